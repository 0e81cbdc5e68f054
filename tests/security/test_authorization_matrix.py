"""Authorization matrix (security issue): every URL of the project, requested as every role.

The URL list comes from resolving the URLconf, not from a hand-kept list: a view added tomorrow
fails `test_every_url_is_in_the_matrix` until its expected outcomes are written in MATRIX below.
Outcomes: a status code, or LOGIN (anonymous users are sent to sign-in). Objects outside a user's
scope must answer 404 (never 403, so ids do not leak existence); no 500 anywhere; no page shows a
stored password. The expected outcomes follow the roles of the design (../shared/DESIGN.md), not
whatever the code does; the fixture district is tests/security/district.py (built once per module,
each test rolled back: conftest.py).

Third-party URLconfs (django-allauth, the Django admin) are left to their own test suites; the
admin's staff-only rule is checked separately below.
"""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.district import ENTRY_A_PASSWORD, ENTRY_B_PASSWORD, ROLES

pytestmark = pytest.mark.django_db

LOGIN = "login"
THIRD_PARTY = ("allauth.urls",)
# SCIM (/scim/v2/) authenticates by a directory connection's bearer token, never a session: its refusals
# (no token, a revoked one, another connection's resources) are tested in directory/tests/.
SKIP_NAMESPACES = ("admin", "scim")


def _row(anonymous, employee_a, employee_b, co_admin, approver_a, approver_b, comms, district_admin):
    return dict(
        zip(
            ROLES,
            [anonymous, employee_a, employee_b, co_admin, approver_a, approver_b, comms, district_admin],
            strict=True,
        )
    )


def everyone(code):
    return _row(code, code, code, code, code, code, code, code)


def signed_in(code):
    return _row(LOGIN, code, code, code, code, code, code, code)


# name → (method, kwargs builder taking the fixture district, expected outcome per role)
MATRIX = {
    "landing": ("GET", None, _row(200, 302, 302, 302, 302, 302, 302, 302)),
    "home": ("GET", None, signed_in(200)),
    # Languages (issue 17): the switch and the JavaScript strings are everyone's, signed in or not.
    "set_language": ("POST", None, everyone(302)),
    "javascript-catalog": ("GET", None, everyone(200)),
    "notifications:list": ("GET", None, signed_in(200)),
    "notifications:open": (
        "POST",
        lambda d: {"pk": d.notification_a.pk},
        _row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
    ),
    "notifications:mark_all_read": ("POST", None, signed_in(302)),
    "approvals:mine": ("GET", None, signed_in(200)),
    # People with no unit to request for (approver-only, comms, admin) are sent home with a message.
    "approvals:create": ("GET", None, _row(LOGIN, 200, 200, 200, 302, 302, 302, 302)),
    "approvals:queue": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "approvals:detail": ("GET", lambda d: {"pk": d.request_a.pk}, _row(LOGIN, 200, 404, 404, 200, 404, 404, 200)),
    "approvals:edit": ("GET", lambda d: {"pk": d.request_a.pk}, _row(LOGIN, 302, 404, 404, 403, 404, 404, 403)),
    "approvals:submit": ("POST", lambda d: {"pk": d.request_a.pk}, _row(LOGIN, 302, 404, 404, 403, 404, 404, 403)),
    "approvals:withdraw": ("POST", lambda d: {"pk": d.request_a.pk}, _row(LOGIN, 302, 404, 404, 403, 404, 404, 403)),
    "approvals:decide": ("POST", lambda d: {"pk": d.request_a.pk}, _row(LOGIN, 403, 404, 404, 200, 404, 404, 200)),
    "audit:list": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "audit:export": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "oversight:dashboard": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "oversight:compliance": (
        "GET",
        lambda d: {"code": d.school_a.code},
        _row(LOGIN, 404, 404, 404, 200, 404, 404, 200),
    ),
    "oversight:compliance_export": (
        "GET",
        lambda d: {"code": d.school_a.code},
        _row(LOGIN, 404, 404, 404, 200, 404, 404, 200),
    ),
    # Approvers and admins see the account but may not check in: refused with a message (302).
    "moderation:checkin": ("POST", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 302, 404, 302, 302, 404, 404, 302)),
    # The e-mail link works without signing in, for whoever holds it; it only records that check-in.
    "moderation:link": ("GET", lambda d: {"token": d.checkin_token}, everyone(200)),
    # --- registry (§1.4.5). entry_a: school A, private, owner employee_a, co-admin co_admin. ---
    # The list is the approvers' (their units), the district admins' (all) and comms' (public, read-only).
    "registry:list": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 200, 200)),
    "registry:mine": ("GET", None, signed_in(200)),
    # Public: anyone may ask whether an account is official, signed in or not.
    "registry:official_check": ("GET", None, everyone(200)),
    "registry:import": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "registry:export": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    # An approved request of employee_a: the requester or the unit's approvers register it.
    "registry:register": (
        "GET",
        lambda d: {"request_pk": d.request_to_register.pk},
        _row(LOGIN, 200, 404, 404, 200, 404, 404, 200),
    ),
    # entry_a is private: comms only sees public accounts, so it is out of scope (404).
    "registry:detail": ("GET", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 200, 404, 200, 200, 404, 404, 200)),
    "registry:credentials": ("GET", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 200, 404, 200, 200, 404, 404, 200)),
    # Allowed people are redirected: owner/co-admin to the re-authentication page, approvers and
    # admins without MFA back to the account with a message. Nothing is revealed by an empty POST.
    "registry:reveal": ("POST", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 302, 404, 302, 302, 404, 404, 302)),
    # Two-factor set-up started from an account: whoever may see the account is sent to allauth's set-up
    # (issue 14), and comes back to it afterwards.
    "registry:setup_two_factor": (
        "GET",
        lambda d: {"pk": d.entry_a.pk},
        _row(LOGIN, 302, 404, 302, 302, 404, 404, 302),
    ),
    # §1.4.6: an import naming its importer (approver_a) is confirmed by someone else: here only the district
    # admin (302: an empty POST is refused with a message); the owner and the importer may not (403).
    "registry:confirm_import": (
        "POST",
        lambda d: {"pk": d.entry_pending.pk},
        _row(LOGIN, 403, 404, 404, 403, 404, 404, 302),
    ),
    # §1.4.2: disable/remove/feedback and transfers are the unit's approvers' (and district admins').
    "registry:enforce": ("GET", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 403, 404, 403, 200, 404, 404, 200)),
    "registry:transfer": ("GET", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 403, 404, 403, 200, 404, 404, 200)),
    # The owner and the approvers manage co-admins; a co-admin may not add others.
    "registry:co_admins": ("POST", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 302, 404, 403, 302, 404, 404, 302)),
    # §1.2.1.3: site reviews are the owner's and co-admins' to confirm.
    "registry:review": ("POST", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 302, 404, 302, 403, 404, 404, 403)),
    # --- outreach. inquiry_a: logged by employee_a for school A (§1.5.1). ---
    "outreach:inquiries": ("GET", None, signed_in(200)),
    # Logging an inquiry is for staff of a unit; comms and the district admin have none here.
    "outreach:inquiry_create": ("GET", None, _row(LOGIN, 200, 200, 200, 200, 200, 403, 403)),
    # The employee who logged it, the unit's approvers (read-only), comms and district admins.
    "outreach:inquiry_detail": (
        "GET",
        lambda d: {"pk": d.inquiry_a.pk},
        _row(LOGIN, 200, 404, 404, 200, 404, 200, 200),
    ),
    # Only a communications manager (district admins as a fallback) acts, never the one who logged it.
    "outreach:inquiry_acknowledge": (
        "POST",
        lambda d: {"pk": d.inquiry_a.pk},
        _row(LOGIN, 403, 404, 404, 403, 404, 302, 302),
    ),
    "outreach:inquiry_respond": (
        "POST",
        lambda d: {"pk": d.inquiry_a.pk},
        _row(LOGIN, 403, 404, 404, 403, 404, 302, 302),
    ),
    "outreach:inquiry_close": (
        "POST",
        lambda d: {"pk": d.inquiry_a.pk},
        _row(LOGIN, 403, 404, 404, 403, 404, 302, 302),
    ),
    # --- school events (§3.1). event_a: school A, organised and recorded by employee_a. ---
    "outreach:events": ("GET", None, signed_in(200)),
    "outreach:event_create": ("GET", None, _row(LOGIN, 200, 200, 200, 200, 200, 403, 403)),
    # Members of the school see its events; district admins all.
    "outreach:event_detail": ("GET", lambda d: {"pk": d.event_a.pk}, _row(LOGIN, 200, 404, 200, 200, 404, 404, 200)),
    # Only the organiser confirms the announcement was read out.
    "outreach:event_confirm": ("POST", lambda d: {"pk": d.event_a.pk}, _row(LOGIN, 302, 404, 403, 403, 404, 404, 403)),
    # The organiser, whoever recorded it, or the school's principal (district admins too) may cancel.
    "outreach:event_cancel": ("POST", lambda d: {"pk": d.event_a.pk}, _row(LOGIN, 302, 404, 403, 302, 404, 404, 302)),
    # §2: everyone signed in sees their own yearly attestation.
    "outreach:attestation": ("GET", None, signed_in(200)),
    # --- student media consent roster (§1.3.6). roster_a: school A, student_a. Staff of a school check
    # their own school's roster; its approvers (and consent clerks, see below) keep it; only approvers
    # export it and read the look-up log. District-wide roles see no student (need-to-know).
    # Offboarding cases (issue 15): the unit's approvers and the district admins.
    "offboarding:list": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "offboarding:detail": (
        "GET",
        lambda d: {"pk": d.offboarding_case.pk},
        _row(LOGIN, 404, 404, 404, 200, 404, 404, 200),
    ),
    "offboarding:reviews": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "offboarding:review": (
        "GET",
        lambda d: {"pk": d.review_item.review_id},
        _row(LOGIN, 404, 404, 404, 200, 404, 404, 200),
    ),
    "offboarding:answer": ("POST", lambda d: {"pk": d.review_item.pk}, _row(LOGIN, 404, 404, 404, 302, 404, 404, 302)),
    # The requester of the fixture's request is still staff: the refusal is a message and a redirect.
    "offboarding:withdraw_request": (
        "POST",
        lambda d: {"pk": d.offboarding_item.pk},
        _row(LOGIN, 404, 404, 404, 302, 404, 404, 302),
    ),
    "offboarding:reassign_request": (
        "POST",
        lambda d: {"pk": d.offboarding_item.pk},
        _row(LOGIN, 404, 404, 404, 302, 404, 404, 302),
    ),
    "consent:check": ("GET", None, _row(LOGIN, 200, 200, 200, 200, 200, 403, 403)),
    "consent:rosters": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 403)),
    "consent:roster": ("GET", lambda d: {"pk": d.roster_a.pk}, _row(LOGIN, 403, 404, 403, 200, 404, 404, 404)),
    "consent:export": ("GET", lambda d: {"pk": d.roster_a.pk}, _row(LOGIN, 403, 404, 403, 200, 404, 404, 404)),
    "consent:student_add": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 403)),
    "consent:student_edit": (
        "GET",
        lambda d: {"pk": d.student_a.pk},
        _row(LOGIN, 403, 404, 403, 200, 404, 404, 404),
    ),
    # An empty POST is not confirmed: back to the student with a message, nothing removed.
    "consent:student_remove": (
        "POST",
        lambda d: {"pk": d.student_a.pk},
        _row(LOGIN, 403, 404, 403, 302, 404, 404, 404),
    ),
    "consent:import": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 403)),
    "consent:lookups": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 403)),
    # --- API (issue 16). A session never authenticates it (401 for every role, signed in or not);
    # tokens do: API_TOKEN_MATRIX below. The schema, its docs, the badge page and verify are public
    # (verify without url or handle is a clear 400). ---
    "api:schema": ("GET", None, everyone(200)),
    "api:docs": ("GET", None, everyone(200)),
    "api:badge": ("GET", None, everyone(200)),
    "api:verify": ("GET", None, everyone(400)),
    "api:units": ("GET", None, everyone(401)),
    "api:platforms": ("GET", None, everyone(401)),
    "api:entries": ("GET", None, everyone(401)),
    "api:entry": ("GET", lambda d: {"pk": d.entry_a.pk}, everyone(401)),
    "api:requests": ("GET", None, everyone(401)),
    "api:request": ("GET", lambda d: {"pk": d.request_a.pk}, everyone(401)),
    "api:audit_events": ("GET", None, everyone(401)),
    # --- directory: bulk set-up is the district admins'; each sees only the imports they uploaded. ---
    "directory:import": ("GET", None, _row(LOGIN, 403, 403, 403, 403, 403, 403, 200)),
    "directory:import_preview": (
        "GET",
        lambda d: {"pk": _directory_import(d).pk},
        _row(LOGIN, 403, 403, 403, 403, 403, 403, 200),
    ),
    "directory:import_apply": (
        "POST",
        lambda d: {"pk": _directory_import(d).pk},
        _row(LOGIN, 403, 403, 403, 403, 403, 403, 302),
    ),
}

# The consent clerk (designated office staff of school A, §1.3.6) keeps the roster like the approver,
# but neither exports it nor reads the look-up log; a clerk of school B does not see school A's students.
CONSENT_CLERK_OUTCOMES = {
    "consent:check": (200, 200),
    "consent:rosters": (200, 200),
    "consent:roster": (200, 404),
    "consent:export": (403, 404),
    "consent:student_add": (200, 200),
    "consent:student_edit": (200, 404),
    "consent:student_remove": (302, 404),
    "consent:import": (200, 200),
    "consent:lookups": (403, 403),
}


def _directory_import(d):
    from directory.models import DirectoryImport

    return DirectoryImport.objects.create(created_by=d.district_admin, data={"units": [], "people": []})


def project_urls():
    """(qualified name, route) for every named URL of the project's own URLconfs."""
    found = []

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.urlconf_name in THIRD_PARTY or getattr(p.urlconf_module, "__name__", "") in THIRD_PARTY:
                    continue
                if p.namespace in SKIP_NAMESPACES:
                    continue
                ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
                walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name:
                found.append((f"{namespace}:{p.name}" if namespace else p.name, prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_is_in_the_matrix():
    missing = sorted(name for name, _ in project_urls() if name not in MATRIX)
    assert missing == [], f"Add these views to MATRIX with their expected outcome per role: {missing}"
    stale = sorted(set(MATRIX) - {name for name, _ in project_urls()})
    assert stale == [], f"MATRIX lists views that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_outcomes_per_role(name, district, client):
    method, kwargs_builder, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
    failures = []
    for role in ROLES:
        client.logout()
        user = getattr(district, role) if role != "anonymous" else None
        if user is not None:
            client.force_login(user)
        response = client.get(url) if method == "GET" else client.post(url, {})
        want = expected[role]
        got = response.status_code
        assert got < 500, f"{name} as {role}: server error {got}"
        # No page shows a stored password (the reveal, which would, needs a re-authentication first).
        for secret in (ENTRY_A_PASSWORD, ENTRY_B_PASSWORD):
            assert secret not in response.content.decode("utf-8", "replace"), f"{name} as {role} shows a password"
        if want == LOGIN:
            ok = got == 302 and "/auth/login/" in response["Location"]
        else:
            ok = got == want
        if not ok:
            failures.append(f"{role}: expected {want}, got {got}")
    assert failures == [], f"{method} {url}: " + "; ".join(failures)


def test_admin_is_for_district_admins_only(district, client):
    for role in ("employee_a", "approver_a", "comms"):
        client.force_login(getattr(district, role))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role
    client.force_login(district.district_admin)
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("name", sorted(n for n, (method, _, _) in MATRIX.items() if method == "POST"))
def test_every_post_view_enforces_csrf(name, district):
    from django.test import Client

    _, kwargs_builder, expected = MATRIX[name]
    # Use a role that is allowed to act, so the refusal comes from the CSRF check.
    role = next(r for r in ROLES if r != "anonymous" and expected[r] not in (403, 404, LOGIN))
    client = Client(enforce_csrf_checks=True)
    client.force_login(getattr(district, role))
    url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
    assert client.post(url, {}).status_code == 403


# Listed as POST above, but also a page: GET shows the decision form.
PAGES_THAT_ALSO_TAKE_POST = {"approvals:decide"}


@pytest.mark.parametrize(
    "name", sorted(n for n, (method, _, _) in MATRIX.items() if method == "POST" and n not in PAGES_THAT_ALSO_TAKE_POST)
)
def test_post_only_views_refuse_get_without_changing_anything(name, district, client):
    from tests.security.hostile import snapshot

    _, kwargs_builder, expected = MATRIX[name]
    role = next(r for r in ROLES if r != "anonymous" and expected[r] not in (403, 404, LOGIN))
    client.force_login(getattr(district, role))
    before = snapshot()
    response = client.get(reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None))
    assert response.status_code == 405
    assert dict(snapshot()) == dict(before)


def test_comms_reads_a_public_account_but_sees_no_login_details_and_cannot_act(district, client):
    """§1.5.1: the communications manager has a read-only view of public accounts, nothing more."""
    entry = district.entry_b
    client.force_login(district.comms)
    page = client.get(reverse("registry:detail", args=[entry.pk]))
    assert page.status_code == 200 and entry.handle in page.content.decode()
    assert entry.login_username not in page.content.decode()
    for name, method in [
        ("registry:reveal", "post"),
        ("registry:credentials", "get"),
        ("registry:enforce", "get"),
        ("registry:transfer", "get"),
        ("registry:co_admins", "post"),
        ("registry:review", "post"),
    ]:
        response = getattr(client, method)(
            reverse(name, args=[entry.pk]), {"reason": "curious"} if method == "post" else None
        )
        assert response.status_code == 403, (name, response.status_code)
    listed = client.get(reverse("registry:list")).content.decode()
    assert entry.handle in listed and district.entry_a.handle not in listed


def test_consent_clerks_keep_their_own_schools_roster_only(district, client):
    from accounts.factories import MembershipFactory, UserFactory
    from accounts.models import Membership

    clerks = []
    for unit in (district.school_a, district.school_b):
        clerk = UserFactory(email=f"office.{unit.code}@sd.example")
        MembershipFactory(user=clerk, org_unit=unit, role=Membership.Role.CONSENT_CLERK)
        clerks.append(clerk)
    assert sorted(CONSENT_CLERK_OUTCOMES) == sorted(n for n in MATRIX if n.startswith("consent:"))
    failures = []
    for name, wanted in CONSENT_CLERK_OUTCOMES.items():
        method, kwargs_builder, _ = MATRIX[name]
        url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
        for clerk, want in zip(clerks, wanted, strict=True):
            client.force_login(clerk)
            got = (client.get(url) if method == "GET" else client.post(url, {})).status_code
            if got != want:
                failures.append(f"{name} as {clerk.email}: expected {want}, got {got}")
    assert failures == []


def test_no_consent_page_shows_another_schools_student(district, client):
    """§1.3.6: staff see only their own school's students, whatever page they open."""
    from tests.security.district import STUDENT_A_NAME, STUDENT_B_NAME

    for role, other in [("employee_a", STUDENT_B_NAME), ("approver_a", STUDENT_B_NAME), ("employee_b", STUDENT_A_NAME)]:
        client.force_login(getattr(district, role))
        for name in [n for n, (method, _, _) in MATRIX.items() if n.startswith("consent:") and method == "GET"]:
            _, kwargs_builder, _ = MATRIX[name]
            url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
            for query in ({}, {"school_class": "5A"}, {"q": other.split()[0]}, {"grade": "5"}):
                body = client.get(url, query).content.decode("utf-8", "replace")
                assert other not in body, f"{name}{query} as {role} shows another school's student"
    # The control: the same walk does show a school's own student to its staff.
    client.force_login(district.employee_a)
    assert STUDENT_A_NAME in client.get(reverse("consent:check"), {"school_class": "5A"}).content.decode()


# --- API tokens (issue 16): every API endpoint as every kind of token --------------------------------------
# A token sees what its scopes allow, within its units: a missing scope is 403, an object outside its
# units or scope is 404 (as for people), and a missing, revoked or expired token is 401.
TOKEN_KINDS = {
    "none": None,
    "revoked": (["registry:read", "requests:read", "audit:read"], ()),
    "expired": (["registry:read", "requests:read", "audit:read"], ()),
    "registry_read": (["registry:read"], ()),
    "registry_read_b": (["registry:read"], ("school_b",)),
    "registry_public": (["registry:public"], ()),
    "requests_read_a": (["requests:read"], ("school_a",)),
    "requests_read_b": (["requests:read"], ("school_b",)),
    "audit_read": (["audit:read"], ()),
    "audit_read_b": (["audit:read"], ("school_b",)),
}


def _tokens(code_by_kind: dict | None = None, *, default):
    return {kind: (code_by_kind or {}).get(kind, default) for kind in TOKEN_KINDS}


_REFUSED = {"none": 401, "revoked": 401, "expired": 401}
API_TOKEN_MATRIX = {
    "api:schema": (None, _tokens(default=200)),
    "api:docs": (None, _tokens(default=200)),
    "api:badge": (None, _tokens(default=200)),
    "api:verify": (None, _tokens(default=400)),
    "api:units": (None, _tokens(_REFUSED, default=200)),
    "api:platforms": (None, _tokens(_REFUSED, default=200)),
    "api:entries": (
        None,
        _tokens({**_REFUSED, "registry_read": 200, "registry_read_b": 200, "registry_public": 200}, default=403),
    ),
    # entry_a: school A, private. Out of school B's units, and not public: 404.
    "api:entry": (
        lambda d: {"pk": d.entry_a.pk},
        _tokens({**_REFUSED, "registry_read": 200, "registry_read_b": 404, "registry_public": 404}, default=403),
    ),
    "api:requests": (None, _tokens({**_REFUSED, "requests_read_a": 200, "requests_read_b": 200}, default=403)),
    # request_a: submitted, school A.
    "api:request": (
        lambda d: {"pk": d.request_a.pk},
        _tokens({**_REFUSED, "requests_read_a": 200, "requests_read_b": 404}, default=403),
    ),
    "api:audit_events": (None, _tokens({**_REFUSED, "audit_read": 200, "audit_read_b": 200}, default=403)),
}


@pytest.fixture
def api_keys(district):
    """kind → key (None: no token), made through the service; the revoked and expired ones made so."""
    import datetime

    from django.utils import timezone

    from api import services
    from api.models import ApiToken

    keys = {}
    for kind, spec in TOKEN_KINDS.items():
        if spec is None:
            keys[kind] = None
            continue
        scopes, units = spec
        token, keys[kind] = services.create_token(
            actor=district.district_admin,
            name=kind,
            scopes=scopes,
            units=[getattr(district, u) for u in units],
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        if kind == "revoked":
            services.revoke_token(actor=district.district_admin, token=token)
        if kind == "expired":
            ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    return keys


def test_every_api_endpoint_is_in_the_token_matrix():
    api_names = {name for name, _ in project_urls() if name.startswith("api:")}
    assert api_names == set(API_TOKEN_MATRIX)


@pytest.mark.parametrize("name", sorted(API_TOKEN_MATRIX))
def test_api_outcomes_per_token(name, district, api_keys):
    from django.test import Client

    kwargs_builder, expected = API_TOKEN_MATRIX[name]
    url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
    failures = []
    for kind, key in api_keys.items():
        headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
        response = Client().get(url, **headers)
        assert response.status_code < 500, f"{name} with {kind}: server error"
        for secret in (ENTRY_A_PASSWORD, ENTRY_B_PASSWORD):
            assert secret not in response.content.decode("utf-8", "replace"), f"{name} with {kind} shows a password"
        if response.status_code != expected[kind]:
            failures.append(f"{kind}: expected {expected[kind]}, got {response.status_code}")
    assert failures == [], f"GET {url}: " + "; ".join(failures)


def test_unit_scoped_tokens_list_nothing_of_other_units(district, api_keys):
    """School B's tokens: no entry, request or audit event of school A in any list, on any page."""
    from django.test import Client

    from audit.services import record_event

    record_event(actor=district.approver_a, action="test.school_a", org_unit=district.school_a)
    record_event(actor=district.approver_b, action="test.school_b", org_unit=district.school_b)
    checks = [
        ("registry_read_b", "/api/v1/registry/entries/?status=all", "results", lambda r: r["unit"]["code"]),
        ("requests_read_b", "/api/v1/requests/", "results", lambda r: r["unit"]["code"]),
        ("audit_read_b", "/api/v1/audit/events/", "events", lambda r: (r["unit"] or {}).get("code")),
        ("registry_read_b", "/api/v1/units/", "results", lambda r: r["code"]),
    ]
    for kind, url, key, unit_of in checks:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {api_keys[kind]}")
        units = {unit_of(row) for row in client.get(url).json()[key]}
        assert units <= {district.school_b.code}, (kind, url, units)
    audit = Client(HTTP_AUTHORIZATION=f"Bearer {api_keys['audit_read_b']}")
    with override_settings(API={**settings.API, "AUDIT_SETTLE_SECONDS": 0}):
        actions = {e["action"] for e in audit.get("/api/v1/audit/events/").json()["events"]}
    assert "test.school_b" in actions and "test.school_a" not in actions
