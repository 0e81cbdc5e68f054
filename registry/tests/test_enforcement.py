"""Status and enforcement (§1.4.2), ownership transfer, co-admins, departures and credential changes (§1.4.5)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from registry import services
from registry.models import EnforcementAction, PasswordChange, RegistryEntry
from registry.services import RegistryError


def events(entry, action):
    return AuditEvent.objects.for_object(entry).filter(action=action)


# --- §1.4.2 -------------------------------------------------------------------------------------------------------


def test_the_principal_disables_an_account_with_a_reason_and_the_owner_and_co_admin_are_told_1_4_2(
    entry, principal, teacher, colleague
):
    services.disable_account(actor=principal, entry=entry, reason="Photos of students without consent (§1.3.6).")
    entry.refresh_from_db()
    assert entry.status == RegistryEntry.Status.DISABLED
    action = EnforcementAction.objects.get(entry=entry)
    assert action.kind == "disable" and action.actor == principal
    assert events(entry, "registry.disabled").get().details["reason"].startswith("Photos")
    told = Notification.objects.filter(kind="registry.disabled").values_list("recipient", flat=True)
    assert sorted(told) == sorted([teacher.pk, colleague.pk])


@pytest.mark.parametrize("service", ["disable_account", "remove_account", "leave_feedback", "reactivate_account"])
def test_every_enforcement_needs_a_reason_1_4_2(entry, principal, service):
    with pytest.raises(RegistryError, match="reason"):
        getattr(services, service)(actor=principal, entry=entry, reason="  ")
    assert not EnforcementAction.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "colleague", "principal_b", "comms"])
def test_only_the_units_approver_can_enforce(entry, who, request):
    with pytest.raises(RegistryError, match="principal or supervisor"):
        services.disable_account(actor=request.getfixturevalue(who), entry=entry, reason="No")


def test_a_district_admin_can_enforce_anywhere(entry_b, district_admin):
    services.leave_feedback(actor=district_admin, entry=entry_b, reason="Please add the school link (§1.2.4).")
    assert EnforcementAction.objects.get().kind == "feedback"


def test_feedback_leaves_the_status_alone(entry, principal, teacher):
    services.leave_feedback(actor=principal, entry=entry, reason="Please add the school's website link (§1.2.4).")
    entry.refresh_from_db()
    assert entry.status == RegistryEntry.Status.ACTIVE
    assert Notification.objects.filter(recipient=teacher, kind="registry.feedback").count() == 1


def test_a_removed_account_stays_in_the_registry_as_history_and_cannot_be_changed_again(entry, principal):
    services.remove_account(actor=principal, entry=entry, reason="Site no longer in use (§1.2.1.3).")
    entry.refresh_from_db()
    assert entry.status == RegistryEntry.Status.REMOVED and RegistryEntry.objects.filter(pk=entry.pk).exists()
    for service in (services.disable_account, services.reactivate_account, services.remove_account):
        with pytest.raises(RegistryError):
            service(actor=principal, entry=entry, reason="again")


def test_a_disabled_account_can_be_reactivated_with_a_reason(entry, principal):
    services.disable_account(actor=principal, entry=entry, reason="Fix the privacy setting.")
    services.reactivate_account(actor=principal, entry=entry, reason="Privacy fixed.")
    entry.refresh_from_db()
    assert entry.status == RegistryEntry.Status.ACTIVE
    assert events(entry, "registry.reactivated").count() == 1


def test_the_enforce_page_disables_and_says_so(entry, principal, client_for):
    client = client_for(principal)
    url = reverse("registry:enforce", args=[entry.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "disable", "reason": "Not aligned with §1.2.1."}, follow=True)
    assert "Account disabled" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "disabled"


def test_the_enforce_page_without_a_reason_shows_the_form_again(entry, principal, client_for):
    response = client_for(principal).post(reverse("registry:enforce", args=[entry.pk]), {"action": "disable"})
    assert response.status_code == 200 and not EnforcementAction.objects.exists()


def test_the_owner_gets_403_on_the_enforce_page_and_another_school_404(entry, teacher, principal_b, client_for):
    url = reverse("registry:enforce", args=[entry.pk])
    assert client_for(teacher).get(url).status_code == 403
    assert client_for(principal_b).get(url).status_code == 404


def test_the_teacher_sees_the_feedback_on_the_account_page(entry, principal, teacher, client_for):
    services.leave_feedback(actor=principal, entry=entry, reason="Please turn comments to moderated.")
    html = client_for(teacher).get(reverse("registry:detail", args=[entry.pk])).content.decode()
    assert "Please turn comments to moderated." in html


# --- transfer -----------------------------------------------------------------------------------------------------


def test_the_principal_transfers_the_account_and_a_new_password_is_then_needed(entry, principal, teacher, colleague):
    services.transfer_ownership(actor=principal, entry=entry, new_owner=colleague, note="Tara moved schools.")
    entry.refresh_from_db()
    assert entry.owner == colleague
    assert not entry.co_admins.filter(pk=colleague.pk).exists()  # the owner is not also a co-admin
    assert entry.needs_password_rotation and not entry.needs_new_owner
    assert events(entry, "registry.ownership_transferred").get().details["to"] == colleague.email
    assert Notification.objects.filter(kind="registry.ownership_transferred", recipient=colleague).exists()
    assert Notification.objects.filter(kind="registry.ownership_transferred", recipient=teacher).exists()


def test_the_new_owner_must_be_active_staff_of_the_unit(entry, principal, teacher_b, colleague):
    with pytest.raises(RegistryError, match="not staff"):
        services.transfer_ownership(actor=principal, entry=entry, new_owner=teacher_b)
    colleague.is_active = False
    colleague.save()
    with pytest.raises(RegistryError, match="no longer has an active account"):
        services.transfer_ownership(actor=principal, entry=entry, new_owner=colleague)


def test_the_owner_cannot_transfer_on_their_own(entry, teacher, colleague):
    with pytest.raises(RegistryError):
        services.transfer_ownership(actor=teacher, entry=entry, new_owner=colleague)


def test_the_transfer_page_works_for_the_principal(entry, principal, colleague, client_for):
    response = client_for(principal).post(
        reverse("registry:transfer", args=[entry.pk]), {"new_owner": colleague.pk, "note": ""}, follow=True
    )
    assert "now owns" in response.content.decode()


# --- co-admins and departures ---------------------------------------------------------------------------------------


def test_removing_a_co_admin_flags_the_password_for_rotation_1_4_5(entry, teacher, colleague):
    services.remove_co_admin(actor=teacher, entry=entry, user=colleague)
    entry.refresh_from_db()
    assert entry.needs_password_rotation and not entry.co_admins.exists()
    assert events(entry, "registry.co_admin_removed").count() == 1


def test_the_owner_adds_a_co_admin_from_the_unit_only(entry, teacher, principal, teacher_b):
    services.add_co_admin(actor=teacher, entry=entry, user=principal)
    assert entry.co_admins.filter(pk=principal.pk).exists()
    with pytest.raises(RegistryError):
        services.add_co_admin(actor=teacher, entry=entry, user=teacher_b)


def test_a_co_admin_cannot_change_the_co_admins(entry, colleague, principal):
    with pytest.raises(RegistryError):
        services.add_co_admin(actor=colleague, entry=entry, user=principal)


def test_the_co_admin_form_removes_through_the_page(entry, teacher, colleague, client_for):
    response = client_for(teacher).post(
        reverse("registry:co_admins", args=[entry.pk]), {"remove": colleague.pk}, follow=True
    )
    assert "no longer administers" in response.content.decode()


@pytest.mark.usefixtures("registry_alone")
def test_deactivating_the_owner_flags_a_new_owner_and_a_new_password(entry, teacher, principal):
    teacher.is_active = False
    teacher.save()
    entry.refresh_from_db()
    assert entry.needs_new_owner and entry.needs_password_rotation
    event = events(entry, "registry.access_withdrawn").get()
    assert event.actor is None and event.details["owner"] is True and event.details["trigger"] == "deactivated"
    assert Notification.objects.filter(recipient=principal, kind="registry.access_withdrawn").count() == 1


def test_deactivating_a_co_admin_flags_only_the_password_and_revokes_their_access(entry, colleague):
    colleague.is_active = False
    colleague.save()
    entry.refresh_from_db()
    assert entry.needs_password_rotation and not entry.needs_new_owner
    assert not entry.co_admins.filter(pk=colleague.pk).exists()


def test_flagging_a_departed_user_twice_changes_nothing_more(entry, teacher):
    teacher.is_active = False
    teacher.save()
    assert services.withdraw_access(user=teacher) == 0
    assert events(entry, "registry.access_withdrawn").count() == 1


def test_saving_an_active_user_flags_nothing(entry, teacher):
    teacher.first_name = "Tamara"
    teacher.save()
    entry.refresh_from_db()
    assert not entry.needs_password_rotation


def test_recording_a_new_password_clears_the_rotation_flag_and_keeps_a_dated_entry(entry, principal, teacher):
    services.transfer_ownership(actor=principal, entry=entry, new_owner=principal)
    services.update_credentials(actor=principal, entry=entry, password="Brand-New-Pass-1")
    entry.refresh_from_db()
    assert not entry.needs_password_rotation
    assert entry.password.reveal() == "Brand-New-Pass-1"
    assert PasswordChange.objects.filter(entry=entry, reason="rotation").count() == 1
    event = events(entry, "registry.credentials_updated").get()
    assert event.details["fields"] == ["password"] and "Brand-New" not in str(event.details)
    assert Notification.objects.filter(recipient=teacher, kind="registry.credentials_updated").count() == 0


def test_a_co_admin_records_a_new_password_and_the_owner_is_told(entry, colleague, teacher):
    services.update_credentials(actor=colleague, entry=entry, password="Another-Pass-2")
    assert Notification.objects.filter(recipient=teacher, kind="registry.credentials_updated").count() == 1


def test_credentials_need_a_district_login_address(entry, teacher):
    with pytest.raises(RegistryError, match="district"):
        services.update_credentials(actor=teacher, entry=entry, login_email="me@hotmail.com")


def test_the_credentials_page_records_a_password_without_echoing_it(entry, teacher, client_for):
    client = client_for(teacher)
    url = reverse("registry:credentials", args=[entry.pk])
    data = {
        "login_username": entry.login_username,
        "login_email": entry.login_email,
        "recovery_email": entry.recovery_email,
        "password": "Typed-In-Secret-3",
    }
    response = client.post(url, data, follow=True)
    html = response.content.decode()
    assert "Password recorded" in html and "Typed-In-Secret-3" not in html


# --- the approver's home -----------------------------------------------------------------------------------------


def test_the_approver_home_cards_count_what_needs_attention(entry, principal, teacher):
    from django.template.loader import render_to_string

    teacher.is_active = False
    teacher.save()
    html = render_to_string("includes/home_approver_stats.html", {"user": principal})
    assert 'id="needs-new-owner-count">1<' in html
    assert 'id="needs-rotation-count">1<' in html
    assert reverse("registry:list") + "?flag=new_owner" in html
