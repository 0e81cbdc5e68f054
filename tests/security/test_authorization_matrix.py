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
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.district import ENTRY_A_PASSWORD, ENTRY_B_PASSWORD, ROLES

pytestmark = pytest.mark.django_db

LOGIN = "login"
THIRD_PARTY = ("allauth.urls",)
SKIP_NAMESPACES = ("admin",)


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
}


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
