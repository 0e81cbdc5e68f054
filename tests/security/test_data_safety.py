"""Losing nothing (security issue §6): nothing is hard-deleted through the portal.

Every URL of the authorization matrix is POSTed by every role allowed to act on it, with a valid
body that asks for the most destructive thing the view offers (remove an account, withdraw or decide
a request, remove a co-admin, close an inquiry, cancel an event...). After each POST, no table of the
project has fewer rows than before: requests are withdrawn, accounts removed, events cancelled, and
the rows stay as history. The Django admin (part of the portal for district admins) may not delete
history either.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from approvals.models import AccountRequest
from outreach.models import SchoolEvent
from registry.models import RegistryEntry
from tests.security.district import ROLES, user_of
from tests.security.hostile import project_models, snapshot
from tests.security.test_authorization_matrix import LOGIN, MATRIX
from tests.security.test_hostile_input import FORMS

pytestmark = pytest.mark.django_db

# The most destructive valid body each view accepts (the rest use the hostile-input table's bodies).
DESTRUCTIVE = {
    "registry:enforce": lambda d: {"action": "remove", "reason": "Closed after the school year."},
    "registry:co_admins": lambda d: {"remove": d.co_admin.pk},
    "registry:review": lambda d: {"outcome": "decommission", "note": "Class ended."},
    "approvals:decide": lambda d: {"decision": "reject", "comment": "Not this one."},
    "outreach:inquiry_close": lambda d: {"note": "Handled by phone."},
    "approvals:edit": lambda d: FORMS["approvals:create"].base(d) | {"action": "draft", "title": ""},
}


def body_for(name, d):
    if name in DESTRUCTIVE:
        return DESTRUCTIVE[name](d)
    if name in FORMS:
        return FORMS[name].base(d)
    return {}


def actors(expected) -> list[str]:
    """Roles allowed to act on the view (the others are refused before anything happens)."""
    return [role for role in ROLES if role != "anonymous" and expected[role] not in (403, 404, LOGIN)]


# Views that take a POST: the matrix's POST views, and the pages with a form (the hostile-input table).
TAKES_POST = sorted(
    {n for n, (method, _, _) in MATRIX.items() if method == "POST"}
    | {n.split(" ")[0] for n in FORMS}
    | {"moderation:link"}  # the e-mail link: GET shows what it does, POST records the check-in
)


@pytest.mark.parametrize("name", TAKES_POST)
def test_no_post_by_any_role_makes_a_table_shrink(name, district, client):
    _, kwargs_builder, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None)
    shrunk = []
    for role in actors(expected):
        client.logout()
        client.force_login(user_of(district, role))
        before = snapshot(client)
        response = client.post(url, body_for(name, district))
        assert response.status_code < 500, (role, response.status_code)
        after = snapshot()
        shrunk += [
            f"{role}: {label} {before[label][0]} → {after[label][0]}"
            for label in after
            if after[label][0] < before[label][0]
        ]
    assert shrunk == [], f"POST {url} deleted rows: {shrunk}"


def test_pages_without_a_form_refuse_a_post_or_ignore_it(district, client):
    client.force_login(district.district_admin)
    for name in sorted(set(MATRIX) - set(TAKES_POST)):
        _, kwargs_builder, _ = MATRIX[name]
        before = snapshot(client)
        response = client.post(reverse(name, kwargs=kwargs_builder(district) if kwargs_builder else None), {"x": "1"})
        assert response.status_code < 500, name
        # At most an audited export or page view: nothing goes away.
        assert all(snapshot()[label][0] >= count for label, (count, _) in before.items()), name


def test_withdrawn_removed_and_cancelled_things_stay_as_history(district, client):
    client.force_login(district.employee_a)
    client.post(reverse("approvals:withdraw", args=[district.request_a.pk]), {"reason": "Not needed."})
    client.post(reverse("outreach:event_cancel", args=[district.event_a.pk]))
    client.force_login(district.approver_a)
    client.post(reverse("registry:enforce", args=[district.entry_a.pk]), {"action": "remove", "reason": "Done."})
    assert AccountRequest.objects.get(pk=district.request_a.pk).status == AccountRequest.Status.WITHDRAWN
    assert SchoolEvent.objects.get(pk=district.event_a.pk).status == SchoolEvent.Status.CANCELLED
    removed = RegistryEntry.objects.get(pk=district.entry_a.pk)
    assert removed.status == RegistryEntry.Status.REMOVED
    # Still on the list for whoever asks for history, with its login details kept (encrypted).
    listed = client.get(reverse("registry:list"), {"status": "removed"})
    assert removed.handle in listed.content.decode()
    assert removed.password.reveal()


# People and everything that records what happened: deactivate, never delete.
HISTORY = {
    "accounts.User",
    "approvals.AccountRequest",
    "approvals.Acknowledgement",
    "registry.RegistryEntry",
    "registry.PasswordChange",
    "registry.SiteReview",
    "registry.EnforcementAction",
    "outreach.MediaInquiry",
    "outreach.InquiryUpdate",
    "outreach.SchoolEvent",
    "outreach.PersonalUseAttestation",
    "moderation.CheckIn",
    "moderation.MissedCheckIn",
    "audit.AuditEvent",
    "notifications.Notification",
}


def test_the_admin_cannot_delete_people_or_history(district):
    request = RequestFactory().get("/admin/")
    request.user = district.district_admin
    deletable = sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.label in HISTORY
        and (model_admin.has_delete_permission(request) or "delete_selected" in model_admin.get_actions(request))
    )
    assert set(HISTORY) <= {m._meta.label for m in project_models()}
    # Found here: users and outbox rows were deletable (fixed in accounts/admin.py, notifications/admin.py).
    assert deletable == []


def test_deleting_through_the_admin_is_refused_for_history(district, client):
    client.force_login(district.district_admin)
    for obj in [
        district.entry_a,
        district.request_a,
        district.inquiry_a,
        district.event_a,
        district.employee_b,
        district.notification_a,
    ]:
        info = (obj._meta.app_label, obj._meta.model_name)
        before = snapshot()
        response = client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 403, (info, response.status_code)
        assert dict(snapshot()) == dict(before)
