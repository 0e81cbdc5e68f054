"""Authorization matrix (security issue): every URL of the project, requested as every role.

The URL list comes from resolving the URLconf, not from a hand-kept list: a view added tomorrow
fails `test_every_url_is_in_the_matrix` until its expected outcomes are written in MATRIX below.
Outcomes: a status code, or LOGIN (anonymous users are sent to sign-in). Objects outside a user's
scope must answer 404 (never 403, so ids do not leak existence); no 500 anywhere.

Third-party URLconfs (django-allauth, the Django admin) are left to their own test suites; the
admin's staff-only rule is checked separately below.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

LOGIN = "login"
ROLES = [
    "anonymous",
    "employee_a",
    "employee_b",
    "co_admin",
    "approver_a",
    "approver_b",
    "comms",
    "district_admin",
]
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
    "audit:dashboard": ("GET", None, _row(LOGIN, 403, 403, 403, 200, 200, 403, 200)),
    "audit:compliance": ("GET", lambda d: {"code": d.school_a.code}, _row(LOGIN, 404, 404, 404, 200, 404, 404, 200)),
    "audit:compliance_export": (
        "GET",
        lambda d: {"code": d.school_a.code},
        _row(LOGIN, 404, 404, 404, 200, 404, 404, 200),
    ),
    # Approvers and admins see the account but may not check in: refused with a message (302).
    "moderation:checkin": ("POST", lambda d: {"pk": d.entry_a.pk}, _row(LOGIN, 302, 404, 302, 302, 404, 404, 302)),
    # The e-mail link works without signing in, for whoever holds it; it only records that check-in.
    "moderation:link": ("GET", lambda d: {"token": d.checkin_token}, everyone(200)),
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


@pytest.fixture
def district(db):
    from tests.security.district import build_district

    return build_district()


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
