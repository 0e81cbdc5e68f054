"""What the registry tells people: every kind's text comes from templates/notifications/registry.*/."""

import pathlib

import pytest
from django.conf import settings

from notifications.models import Notification
from registry import services

from .scenes import fresh_records, register

KINDS = [
    "registry.registered",
    "registry.co_admin_added",
    "registry.credentials_updated",
    "registry.credentials_revealed",
    "registry.disabled",
    "registry.removed",
    "registry.feedback",
    "registry.reactivated",
    "registry.ownership_transferred",
    "registry.co_admin_removed",
    "registry.access_withdrawn",
    "registry.import_to_confirm",
    "registry.import_confirmed",
    "registry.import_refused",
    "registry.decommission_requested",
    "registry.imported",
]


def told(user, kind):
    return Notification.objects.get(recipient=user, kind=kind)


@pytest.mark.parametrize("kind", KINDS)
def test_every_registry_notification_kind_has_a_subject_and_a_body_template(kind):
    folder = pathlib.Path(settings.BASE_DIR) / "templates" / "notifications" / kind
    assert (folder / "subject.txt").read_text().strip() and (folder / "body.txt").read_text().strip()


def test_a_registration_tells_the_approver_and_the_owner_each_in_their_own_words_1_4_5(
    approved_request, principal, teacher
):
    entry = register(approved_request, actor=principal)
    owner_notice = told(teacher, "registry.registered")
    assert owner_notice.subject == f"Your account is in the registry: {entry}"
    assert owner_notice.body == f"{principal.short_name} registered {entry} for you (§1.4.5)."


def test_the_unit_approver_hears_of_a_registration_with_its_unit(approved_request, principal, teacher):
    entry = register(approved_request)
    notice = told(principal, "registry.registered")
    assert notice.subject == f"Account registered: {entry}"
    assert notice.body == f"{teacher.short_name} registered {entry} for {entry.org_unit} (§1.4.5)."


def test_a_co_admins_reveal_tells_the_owner_that_no_reason_was_needed(entry, colleague, teacher):
    services.reveal_credentials(actor=colleague, entry=entry, authentication_records=fresh_records(colleague))
    notice = told(teacher, "registry.credentials_revealed")
    assert notice.subject == f"Your account's login details were viewed: {entry}"
    assert notice.body.startswith(f"{colleague.short_name} viewed the login details of {entry} on ")
    assert notice.body.endswith("Reason given: (none: co-administrator).")


def test_a_decommission_request_carries_the_owners_note_to_the_approver_1_2_1_3(entry, teacher, principal):
    services.request_decommission(actor=teacher, entry=entry, note="The class ended in June.")
    notice = told(principal, "registry.decommission_requested")
    assert notice.subject == f"Decommission requested: {entry}"
    assert notice.body.endswith("remove it from the registry (§1.2.1.3).\n\nNote: The class ended in June.")


@pytest.mark.usefixtures("registry_alone")
def test_an_owner_who_leaves_flags_the_account_for_a_new_owner_and_password(entry, teacher, principal):
    teacher.is_active = False
    teacher.save()
    notice = told(principal, "registry.access_withdrawn")
    assert notice.subject == f"{teacher.short_name} no longer has access to 1 account of {entry.org_unit}"
    assert notice.body.startswith(f"{teacher.short_name} no longer has an active district account.")
    assert f"- {entry}: needs a new password (they could view it); needs a new owner;" in notice.body
    assert notice.body.endswith("transfer the accounts that need a new owner.")


def test_removing_a_co_admin_tells_them_and_asks_the_owner_for_a_new_password(entry, principal, teacher, colleague):
    services.remove_co_admin(actor=principal, entry=entry, user=colleague)
    assert told(colleague, "registry.co_admin_removed").subject == f"You no longer administer {entry}"
    owner_notice = told(teacher, "registry.co_admin_removed")
    assert owner_notice.subject == f"Change the password of {entry}"
    assert owner_notice.body == (
        f"{colleague.short_name} no longer administers {entry}. Record a new password: they knew the old one."
    )


def test_an_enforcement_tells_the_owner_who_acted_and_why_1_4_2(entry, principal, teacher):
    services.disable_account(actor=principal, entry=entry, reason="Student photos without consent.")
    notice = told(teacher, "registry.disabled")
    assert notice.subject == f"Your account was disabled: {entry}"
    assert notice.body == f"{principal.short_name} ({entry.org_unit}): Student photos without consent."
