"""Offboarding cases (issue 15, §1.4.5): a departure opens one case per unit for its approvers, listing the
accounts needing a new owner or password and the requests left open; the registry's and approvals'
services close the items as they do the work, and the case closes with its last item."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from approvals import services as approvals
from approvals.models import AccountRequest
from audit.models import AuditEvent
from core.errors import DomainError
from notifications.models import Notification
from offboarding import services
from offboarding.models import CaseItem, OffboardingCase
from registry import services as registry

pytestmark = pytest.mark.django_db
Kind = CaseItem.Kind


def items_of(case):
    return sorted((i.kind, i.entry_id or i.account_request_id, i.is_done) for i in case.items.all())


def test_an_owner_leaving_the_unit_opens_one_case_with_new_owner_password_and_request_items_1_4_5(
    owned, pending, teacher, school_a, principal, leave
):
    leave(teacher, school_a)
    case = OffboardingCase.objects.get()
    assert (case.person, case.org_unit, case.trigger, case.is_open) == (teacher, school_a, "left_unit", True)
    expected = [(Kind.NEW_OWNER, owned.pk), (Kind.NEW_PASSWORD, owned.pk), (Kind.PENDING_REQUEST, pending.pk)]
    assert items_of(case) == sorted((kind, pk, False) for kind, pk in expected)
    assert AuditEvent.objects.filter(action="offboarding.case_opened", org_unit=school_a).count() == 1
    notice = Notification.objects.get(recipient=principal, kind="offboarding.case_opened")
    assert "@room12" in notice.body


def test_deactivation_after_leaving_does_not_open_a_second_case_1_4_5(owned, pending, teacher, school_a, leave):
    leave(teacher, school_a)
    teacher.is_active = False
    teacher.save()
    assert OffboardingCase.objects.count() == 1
    assert CaseItem.objects.count() == 3


def test_deactivation_alone_opens_the_case_as_scim_deprovisioning_does_1_4_5(owned, teacher, school_a):
    teacher.is_active = False
    teacher.save()
    case = OffboardingCase.objects.get()
    assert case.trigger == "deactivated"
    assert {i.kind for i in case.items.all()} == {Kind.NEW_OWNER, Kind.NEW_PASSWORD}


def test_a_co_admin_leaving_opens_a_case_for_the_password_only_1_4_5(owned, colleague, school_a, leave):
    leave(colleague, school_a)
    case = OffboardingCase.objects.get(person=colleague)
    assert items_of(case) == [(Kind.NEW_PASSWORD, owned.pk, False)]


def test_an_approver_losing_the_role_gets_a_case_for_the_passwords_they_could_see_1_4_5(
    owned, principal, school_a, district_admin
):
    Membership.objects.get(user=principal, org_unit=school_a, role=Membership.Role.APPROVER).delete()
    case = OffboardingCase.objects.get(person=principal)
    assert case.trigger == "lost_approver_role"
    assert items_of(case) == [(Kind.NEW_PASSWORD, owned.pk, False)]
    # Nobody else approves for school A: the district admins are told.
    assert Notification.objects.filter(recipient=district_admin, kind="offboarding.case_opened").exists()


def test_a_departure_with_nothing_left_undone_opens_no_case(teacher, school_a, leave):
    leave(teacher, school_a)
    assert not OffboardingCase.objects.exists()


def test_items_close_as_the_registry_does_the_work_and_the_case_closes_itself_1_4_5(
    owned, pending, teacher, colleague, school_a, principal, leave
):
    leave(teacher, school_a)
    case = OffboardingCase.objects.get()
    registry.transfer_ownership(actor=principal, entry=owned, new_owner=colleague)
    assert case.items.get(kind=Kind.NEW_OWNER).is_done
    # New login details without a new password leave the password item open.
    registry.update_credentials(actor=principal, entry=owned, login_username="room12-new")
    assert not case.items.get(kind=Kind.NEW_PASSWORD).is_done
    registry.update_credentials(actor=principal, entry=owned, password="New-Secret-2")
    item = case.items.get(kind=Kind.NEW_PASSWORD)
    assert item.is_done and item.done_by == principal and item.done_how == "registry.credentials_updated"
    case.refresh_from_db()
    assert case.is_open
    services.withdraw_request_of_departed(actor=principal, item=case.items.get(kind=Kind.PENDING_REQUEST))
    assert AccountRequest.objects.get(pk=pending.pk).status == AccountRequest.Status.WITHDRAWN
    case.refresh_from_db()
    assert not case.is_open
    assert AuditEvent.objects.filter(action="offboarding.item_done").count() == 3
    assert AuditEvent.objects.filter(action="offboarding.case_closed", actor=principal).count() == 1


def test_removing_the_account_closes_its_items(owned, teacher, school_a, principal, leave):
    leave(teacher, school_a)
    registry.remove_account(actor=principal, entry=owned, reason="The class page is no longer used.")
    assert not OffboardingCase.objects.get().is_open


def test_a_new_case_opens_after_the_last_one_closed_for_a_second_departure(
    owned, teacher, colleague, school_a, principal, leave
):
    leave(teacher, school_a)
    registry.transfer_ownership(actor=principal, entry=owned, new_owner=colleague)
    registry.update_credentials(actor=principal, entry=owned, password="New-Secret-2")
    assert not OffboardingCase.objects.get().is_open
    leave(colleague, school_a)
    assert OffboardingCase.objects.filter(closed_at__isnull=True, person=colleague).count() == 1


def test_only_the_units_approvers_may_withdraw_a_departed_persons_request(
    pending, teacher, colleague, school_a, principal_b, leave
):
    leave(teacher, school_a)
    item = CaseItem.objects.get(kind=Kind.PENDING_REQUEST)
    with pytest.raises(DomainError):
        services.withdraw_request_of_departed(actor=principal_b, item=item)
    with pytest.raises(DomainError):
        services.withdraw_request_of_departed(actor=colleague, item=item)
    assert AccountRequest.objects.get(pk=pending.pk).status == AccountRequest.Status.SUBMITTED


def test_a_request_of_someone_still_on_staff_cannot_be_withdrawn_on_their_behalf(pending, principal):
    with pytest.raises(approvals.WorkflowError):
        approvals.withdraw_request_of_departed(account_request=pending, user=principal, reason="")


# --- Reassigning a request the departed person left open (issue 15) ---------------------------------


def test_the_principal_hands_a_departed_persons_request_to_a_colleague_and_the_item_closes_1_4_6(
    pending, teacher, colleague, school_a, principal, leave
):
    from approvals.models import Acknowledgement

    for statement in active():  # the departed person's own ticks, at submission
        Acknowledgement.objects.get_or_create(
            request=pending,
            statement=statement.code,
            defaults={"statement_version": statement.version, "acknowledged_by": teacher},
        )
    leave(teacher, school_a)
    item = CaseItem.objects.get(kind=Kind.PENDING_REQUEST)
    services.reassign_request_of_departed(actor=principal, item=item, new_requester=colleague, reason="Cole runs it.")
    request = AccountRequest.objects.get(pk=pending.pk)
    # The colleague carries it on: back with them to tick the statements themselves (§1.2.3) and submit.
    assert (request.requester, request.status) == (colleague, AccountRequest.Status.CHANGES_REQUESTED)
    assert request.draft_acknowledgements == {} and "Reassigned from Tara Teacher" in request.decision_comment
    event = AuditEvent.objects.get(action="request.reassigned")
    assert (event.actor, event.details["from"], event.details["to"]) == (principal, teacher.email, colleague.email)
    assert event.details["reason"] == "Cole runs it."
    notice = Notification.objects.get(recipient=colleague, kind="request.reassigned")
    assert "Robotics club" in notice.subject and "Tara Teacher left Ridgeview Elementary" in notice.body
    item.refresh_from_db()
    assert item.is_done and item.done_how == "request.reassigned"
    assert not OffboardingCase.objects.get().is_open
    # Submitting again records the colleague's own acknowledgements, not the departed person's.
    approvals.submit_request(account_request=request, user=colleague, acknowledged=[s.code for s in active()])
    assert set(
        AccountRequest.objects.get(pk=pending.pk).acknowledgements.values_list("acknowledged_by", flat=True)
    ) == {colleague.pk}


def active():
    from approvals.acknowledgements import active_statements

    return active_statements()


def test_a_draft_is_handed_over_as_a_draft(teacher, colleague, school_a, principal, leave):
    from approvals.factories import AccountRequestFactory

    draft = AccountRequestFactory(requester=teacher, org_unit=school_a, title="Chess club")
    leave(teacher, school_a)
    approvals.reassign_request_of_departed(account_request=draft, user=principal, new_requester=colleague)
    draft.refresh_from_db()
    assert (draft.requester, draft.status) == (colleague, AccountRequest.Status.DRAFT)


def test_a_request_goes_only_to_active_staff_of_the_unit_and_only_by_its_approvers(
    pending, teacher, colleague, teacher_b, school_a, principal, principal_b, leave
):
    leave(teacher, school_a)
    item = CaseItem.objects.get(kind=Kind.PENDING_REQUEST)
    with pytest.raises(approvals.WorkflowError, match="not active staff of Ridgeview Elementary"):
        services.reassign_request_of_departed(actor=principal, item=item, new_requester=teacher_b)
    with pytest.raises(approvals.WorkflowError, match="not active staff"):
        services.reassign_request_of_departed(actor=principal, item=item, new_requester=teacher)
    with pytest.raises(DomainError):
        services.reassign_request_of_departed(actor=principal_b, item=item, new_requester=colleague)
    with pytest.raises(DomainError):
        services.reassign_request_of_departed(actor=colleague, item=item, new_requester=colleague)
    assert AccountRequest.objects.get(pk=pending.pk).requester == teacher
    assert not AuditEvent.objects.filter(action="request.reassigned").exists()


def test_a_request_of_someone_still_on_staff_cannot_be_reassigned(pending, colleague, principal):
    with pytest.raises(approvals.WorkflowError, match="still staff"):
        approvals.reassign_request_of_departed(account_request=pending, user=principal, new_requester=colleague)


# --- One message per departure (issue 15) -------------------------------------------------------------


def departure_notices(user):
    # The principal fixture became an approver: their handover review's welcome is another matter.
    return Notification.objects.filter(recipient=user).exclude(kind="offboarding.review_started")


@pytest.mark.parametrize("how", ["leave", "deactivate"])
def test_the_approvers_get_one_message_for_a_departure_naming_what_changed_and_what_is_left_1_4_5(
    owned, pending, teacher, school_a, principal, leave, how
):
    if how == "leave":
        leave(teacher, school_a)
    else:
        teacher.is_active = False
        teacher.save()
    (notice,) = departure_notices(principal)  # not the registry's and the case's: one
    assert notice.kind == "offboarding.case_opened"
    assert notice.url == reverse("offboarding:detail", args=[OffboardingCase.objects.get().pk])
    assert notice.subject == "Tara Teacher left Ridgeview Elementary: 3 things to hand over"
    # What the registry already did (access follows membership) ...
    assert f"- {owned}: needs a new password (they could view it); needs a new owner;" in notice.body
    # ... and what the case asks for, the request included.
    assert f"- {owned}: needs a new owner\n" in notice.body and "- Robotics club" in notice.body
    assert not Notification.objects.filter(kind="registry.access_withdrawn").exists()


def test_a_change_that_opens_no_case_is_still_told_by_the_registry_1_4_5(owned, colleague, school_a, principal, leave):
    # The password is already flagged: the colleague leaving only loses co-admin rights, no case item.
    owned.needs_password_rotation = True
    owned.save()
    leave(colleague, school_a)
    assert not OffboardingCase.objects.filter(person=colleague).exists()
    (notice,) = departure_notices(principal)
    assert notice.kind == "registry.access_withdrawn" and "no longer co-administered by them" in notice.body


def test_a_departure_with_only_a_request_left_gets_one_message_too(pending, teacher, school_a, principal, leave):
    leave(teacher, school_a)
    (notice,) = departure_notices(principal)
    assert notice.kind == "offboarding.case_opened"
    assert "Robotics club (Instagram, Ridgeview Elementary): request still open" in notice.body
    assert "already changed" not in notice.body
