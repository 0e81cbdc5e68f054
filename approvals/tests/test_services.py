"""The workflow services: every legal and illegal transition, who may call them, and their side
effects (exactly one audit event, the right notifications) (AP 1311 §1.2.3, §1.4.6, §1.4.7)."""

import pytest

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from approvals import services
from approvals.acknowledgements import active_statements
from approvals.factories import AccountRequestFactory
from approvals.models import AccountRequest, Acknowledgement
from approvals.services import NotPermitted, WorkflowError
from audit.models import AuditEvent
from notifications.models import Notification

from .conftest import ALL_CODES

S = AccountRequest.Status


def events(obj):
    return list(AuditEvent.objects.for_object(obj).order_by("id").values_list("action", flat=True))


def notes():
    return list(Notification.objects.order_by("id"))


@pytest.fixture
def in_state(teacher, school_a, principal):
    """`in_state(status)`: a request of the teacher in that state, set up directly (no events)."""

    def make(status):
        extra = {}
        if status in (S.APPROVED, S.REJECTED, S.CHANGES_REQUESTED):
            extra = {"decided_by": principal, "decided_at": "2026-11-01T10:00Z", "decision_comment": "Because."}
        return AccountRequestFactory(requester=teacher, org_unit=school_a, status=status, **extra)

    return make


# --- Creating and editing ------------------------------------------------------------------------------


def test_create_draft_saves_a_draft_with_one_audit_event_and_no_notification(teacher, values):
    account_request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES[:2])
    assert account_request.status == S.DRAFT
    assert account_request.requester == teacher
    assert account_request.draft_acknowledgements == {s.code: s.version for s in active_statements()[:2]}
    assert events(account_request) == ["request.created"]
    assert notes() == []
    assert account_request.acknowledgements.count() == 0


def test_create_draft_refuses_a_unit_the_requester_is_not_in(teacher, values, school_b):
    values["org_unit"] = school_b
    with pytest.raises(WorkflowError) as error:
        services.create_draft(requester=teacher, values=values)
    assert "org_unit" in error.value.problems
    assert AccountRequest.objects.count() == 0


def test_create_draft_refuses_an_unapproved_platform_1_4_7(teacher, values, tiktok):
    values["platform"] = tiktok
    with pytest.raises(WorkflowError, match="§1.4.7"):
        services.create_draft(requester=teacher, values=values)


def test_create_draft_refuses_a_personal_email_address_1_1_1(teacher, values):
    values["account_email"] = "tara.teacher@gmail.com"
    with pytest.raises(WorkflowError, match="§1.1.1"):
        services.create_draft(requester=teacher, values=values)


def test_create_draft_refuses_an_invalid_website_link_1_2_4(teacher, values):
    values["school_website_url"] = "javascript:alert(1)"
    with pytest.raises(WorkflowError, match="§1.2.4"):
        services.create_draft(requester=teacher, values=values)


def test_update_draft_records_the_changed_fields(teacher, draft):
    services.update_draft(account_request=draft, user=teacher, values={"title": "Room 12 news"})
    draft.refresh_from_db()
    assert draft.title == "Room 12 news"
    event = AuditEvent.objects.for_object(draft).get(action="request.updated")
    assert event.details["fields"] == ["title"]
    assert notes() == []


def test_update_draft_without_changes_writes_no_event(teacher, draft, values):
    services.update_draft(account_request=draft, user=teacher, values=values, acknowledged=ALL_CODES)
    assert events(draft) == ["request.created"]


def test_update_draft_keeps_the_ticks_given(teacher, draft):
    services.update_draft(account_request=draft, user=teacher, values={}, acknowledged=["ap1201"])
    draft.refresh_from_db()
    assert draft.draft_acknowledgements == {"ap1201": "2026-1"}


def test_request_sent_back_for_changes_can_be_edited_and_stays_there(teacher, in_state):
    account_request = in_state(S.CHANGES_REQUESTED)
    services.update_draft(account_request=account_request, user=teacher, values={"title": "Fixed"})
    account_request.refresh_from_db()
    assert (account_request.status, account_request.title) == (S.CHANGES_REQUESTED, "Fixed")


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_editing_is_refused_once_submitted_or_closed(teacher, in_state, status):
    account_request = in_state(status)
    with pytest.raises(WorkflowError, match="cannot edit"):
        services.update_draft(account_request=account_request, user=teacher, values={"title": "Sneaky"})
    account_request.refresh_from_db()
    assert account_request.title != "Sneaky"
    assert events(account_request) == []


def test_only_the_requester_may_edit(colleague, principal, draft):
    for user in (colleague, principal):
        with pytest.raises(NotPermitted):
            services.update_draft(account_request=draft, user=user, values={"title": "Mine now"})


# --- Submitting -------------------------------------------------------------------------------------


def test_submit_records_one_acknowledgement_per_statement_with_its_version_1_2_3(teacher, draft):
    services.submit_request(account_request=draft, user=teacher)
    acks = {a.statement: a for a in Acknowledgement.objects.filter(request=draft)}
    assert set(acks) == set(ALL_CODES)
    for statement in active_statements():
        assert acks[statement.code].statement_version == statement.version
        assert acks[statement.code].acknowledged_by == teacher
        assert acks[statement.code].acknowledged_at is not None


def test_submit_moves_draft_to_submitted_with_one_event_and_tells_the_approver(teacher, principal, draft):
    account_request = services.submit_request(account_request=draft, user=teacher)
    assert account_request.status == S.SUBMITTED
    assert account_request.submitted_at is not None
    assert events(draft) == ["request.created", "request.submitted"]
    event = AuditEvent.objects.for_object(draft).get(action="request.submitted")
    assert event.actor == teacher and event.org_unit == draft.org_unit
    assert event.details["acknowledgements"]["ap1201"] == "2026-1"
    [note] = notes()
    assert note.recipient == principal and note.kind == "request.submitted"
    assert note.email_status == Notification.EmailStatus.PENDING
    assert note.url == f"/requests/{draft.pk}/decide/"


def test_submit_does_not_notify_approvers_of_other_units(teacher, principal, principal_b, draft):
    services.submit_request(account_request=draft, user=teacher)
    assert [n.recipient for n in notes()] == [principal]


def test_submit_with_a_statement_missing_is_refused_and_records_nothing(teacher, values):
    account_request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES[:-1])
    with pytest.raises(WorkflowError, match="statement") as error:
        services.submit_request(account_request=account_request, user=teacher)
    assert f"ack_{ALL_CODES[-1]}" in error.value.problems
    account_request.refresh_from_db()
    assert account_request.status == S.DRAFT
    assert Acknowledgement.objects.count() == 0
    assert events(account_request) == ["request.created"]
    assert notes() == []


def test_submit_with_ticks_for_an_older_wording_is_refused(teacher, draft):
    AccountRequest.objects.filter(pk=draft.pk).update(draft_acknowledgements={c: "2020-1" for c in ALL_CODES})
    with pytest.raises(WorkflowError):
        services.submit_request(account_request=draft, user=teacher)


def test_submit_accepts_the_ticks_passed_in(teacher, values):
    account_request = services.create_draft(requester=teacher, values=values)
    services.submit_request(account_request=account_request, user=teacher, acknowledged=ALL_CODES)
    assert Acknowledgement.objects.filter(request=account_request).count() == len(ALL_CODES)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"purpose": ""}, "purpose"),
        ({"school_based": False, "mission_alignment": ""}, "mission_alignment"),
        ({"network": "public", "public_justification": ""}, "public_justification"),
        ({"identification_text": ""}, "identification_text"),
        ({"description": ""}, "description"),
    ],
)
def test_submit_enforces_every_rule_on_the_server(teacher, values, change, field):
    account_request = services.create_draft(requester=teacher, values={**values, **change}, acknowledged=ALL_CODES)
    with pytest.raises(WorkflowError) as error:
        services.submit_request(account_request=account_request, user=teacher)
    assert field in error.value.problems


def test_submit_is_refused_when_the_platform_lost_its_approval_1_4_7(teacher, draft, platform):
    platform.is_approved = False
    platform.save()
    with pytest.raises(WorkflowError, match="§1.4.7"):
        services.submit_request(account_request=draft, user=teacher)


def test_submit_is_refused_when_the_requester_left_the_unit(teacher, draft):
    Membership.objects.filter(user=teacher).delete()
    with pytest.raises(WorkflowError) as error:
        services.submit_request(account_request=draft, user=teacher)
    assert "org_unit" in error.value.problems


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_submit_is_refused_from_any_other_state(teacher, in_state, status):
    account_request = in_state(status)
    with pytest.raises(WorkflowError, match="cannot submit"):
        services.submit_request(account_request=account_request, user=teacher)
    assert events(account_request) == [] and notes() == []


def test_only_the_requester_may_submit(colleague, draft):
    with pytest.raises(NotPermitted):
        services.submit_request(account_request=draft, user=colleague)


# --- Deciding ----------------------------------------------------------------------------------------


def test_approve_records_the_decider_with_one_event_and_tells_the_requester_1_4_6(teacher, principal, submitted):
    account_request = services.approve_request(account_request=submitted, user=principal, comment="Enjoy.")
    assert account_request.status == S.APPROVED
    assert account_request.decided_by == principal and account_request.decided_at is not None
    assert events(submitted)[-1] == "request.approved"
    assert len(events(submitted)) == 3
    approved_note = notes()[-1]
    assert approved_note.recipient == teacher and approved_note.kind == "request.approved"
    assert "register" in approved_note.body
    assert len(notes()) == 2  # the submission's, then the decision's


def test_reject_needs_a_comment_and_records_it(teacher, principal, submitted):
    with pytest.raises(WorkflowError, match="comment"):
        services.reject_request(account_request=submitted, user=principal, comment="   ")
    account_request = services.reject_request(account_request=submitted, user=principal, comment="Use the blog.")
    assert account_request.status == S.REJECTED and account_request.decision_comment == "Use the blog."
    event = AuditEvent.objects.for_object(submitted).get(action="request.rejected")
    assert event.details == {"comment": "Use the blog."}
    assert notes()[-1].recipient == teacher and notes()[-1].kind == "request.rejected"


def test_request_changes_needs_a_comment_and_sends_it_back(teacher, principal, submitted):
    with pytest.raises(WorkflowError, match="comment"):
        services.request_changes(account_request=submitted, user=principal, comment="")
    account_request = services.request_changes(account_request=submitted, user=principal, comment="Add the grade.")
    assert account_request.status == S.CHANGES_REQUESTED
    assert events(submitted)[-1] == "request.changes_requested"
    assert notes()[-1].recipient == teacher and "Add the grade." in notes()[-1].body


def test_resubmission_after_changes_goes_back_to_the_approver_without_duplicate_acknowledgements(
    teacher, principal, submitted
):
    services.request_changes(account_request=submitted, user=principal, comment="Add the grade.")
    services.update_draft(account_request=submitted, user=teacher, values={"title": "Grade 5 Room 12"})
    account_request = services.submit_request(account_request=submitted, user=teacher)
    assert account_request.status == S.SUBMITTED
    assert account_request.decided_by is None and account_request.decision_comment == ""
    assert Acknowledgement.objects.filter(request=submitted).count() == len(ALL_CODES)
    event = AuditEvent.objects.for_object(submitted).filter(action="request.submitted").order_by("id").last()
    assert event.details["resubmission"] is True
    assert notes()[-1].recipient == principal and notes()[-1].subject.startswith("Resubmitted")


def test_resubmission_renews_an_acknowledgement_given_for_an_older_wording(teacher, principal, submitted):
    services.request_changes(account_request=submitted, user=principal, comment="Fix.")
    Acknowledgement.objects.filter(request=submitted, statement="ap1201").update(statement_version="2020-1")
    services.submit_request(account_request=submitted, user=teacher)
    assert Acknowledgement.objects.get(request=submitted, statement="ap1201").statement_version == "2026-1"


@pytest.mark.parametrize("verb", ["approve_request", "reject_request", "request_changes"])
@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_deciding_is_refused_unless_the_request_waits_for_a_decision(principal, in_state, verb, status):
    account_request = in_state(status)
    with pytest.raises(WorkflowError) as error:
        getattr(services, verb)(account_request=account_request, user=principal, comment="c")
    assert not isinstance(error.value, NotPermitted)
    account_request.refresh_from_db()
    assert account_request.status == status
    assert events(account_request) == [] and notes() == []


@pytest.mark.parametrize("verb", ["approve_request", "reject_request", "request_changes"])
def test_requester_never_decides_their_own_request_even_as_an_approver_of_the_unit_1_4_6(teacher, submitted, verb):
    MembershipFactory(user=teacher, org_unit=submitted.org_unit, role=Membership.Role.APPROVER)
    with pytest.raises(NotPermitted, match="your own request"):
        getattr(services, verb)(account_request=submitted, user=teacher, comment="c")
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["principal_b", "colleague", "comms", "teacher_b"])
def test_only_an_approver_of_the_unit_decides(request, submitted, who):
    user = request.getfixturevalue(who)
    with pytest.raises(NotPermitted):
        services.approve_request(account_request=submitted, user=user)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_district_admin_may_decide_any_unit(submitted, district_admin):
    assert services.approve_request(account_request=submitted, user=district_admin).status == S.APPROVED


def test_a_principals_own_request_goes_to_the_district_admin(principal, district_admin, values):
    values["account_email"] = "principal.office@sd.example"
    account_request = services.create_draft(requester=principal, values=values, acknowledged=ALL_CODES)
    services.submit_request(account_request=account_request, user=principal)
    assert [n.recipient for n in notes()] == [district_admin]
    with pytest.raises(NotPermitted):
        services.approve_request(account_request=account_request, user=principal)
    services.approve_request(account_request=account_request, user=district_admin)


def test_another_approver_of_the_unit_decides_a_principals_own_request(principal, values, school_a):
    vice = UserFactory(email="vice@sd.example")
    MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    account_request = services.create_draft(requester=principal, values=values, acknowledged=ALL_CODES)
    services.submit_request(account_request=account_request, user=principal)
    assert [n.recipient for n in notes()] == [vice]
    assert services.approve_request(account_request=account_request, user=vice).decided_by == vice


def test_approval_is_refused_when_the_platform_lost_its_approval_after_submission_1_4_7(principal, submitted, platform):
    platform.is_approved = False
    platform.save()
    with pytest.raises(WorkflowError, match="§1.4.7"):
        services.approve_request(account_request=submitted, user=principal)
    services.request_changes(account_request=submitted, user=principal, comment="Choose another platform.")


def test_the_second_of_two_approvers_is_told_who_decided_first(principal, submitted, school_a):
    vice = UserFactory(email="vice@sd.example", first_name="Vic", last_name="Vice")
    MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    stale_copy = AccountRequest.objects.get(pk=submitted.pk)
    services.approve_request(account_request=submitted, user=principal)
    with pytest.raises(WorkflowError, match="already approved by Priya Principal"):
        services.reject_request(account_request=stale_copy, user=vice, comment="No.")
    stale_copy.refresh_from_db()
    assert stale_copy.status == S.APPROVED and stale_copy.decided_by == principal
    assert events(submitted).count("request.rejected") == 0


def test_the_state_change_is_conditional_on_the_state_still_being_the_expected_one(principal, submitted):
    # What protects SQLite, where SELECT ... FOR UPDATE does not lock: a copy read before the
    # other decision committed cannot overwrite it.
    stale_copy = AccountRequest.objects.get(pk=submitted.pk)
    services.approve_request(account_request=submitted, user=principal)
    with pytest.raises(WorkflowError, match="already approved"):
        services._move(stale_copy, allowed=[S.SUBMITTED], to=S.REJECTED, doing="reject")
    assert AccountRequest.objects.get(pk=submitted.pk).status == S.APPROVED


# --- Withdrawing -----------------------------------------------------------------------------------


def test_withdrawing_a_draft_notifies_nobody(teacher, draft):
    account_request = services.withdraw_request(account_request=draft, user=teacher)
    assert account_request.status == S.WITHDRAWN
    assert events(draft) == ["request.created", "request.withdrawn"]
    assert notes() == []


def test_withdrawing_a_submitted_request_tells_the_approver(teacher, principal, submitted):
    services.withdraw_request(account_request=submitted, user=teacher, reason="Using the school page instead.")
    assert events(submitted)[-1] == "request.withdrawn"
    event = AuditEvent.objects.for_object(submitted).get(action="request.withdrawn")
    assert event.details == {"reason": "Using the school page instead."}
    note = notes()[-1]
    assert note.recipient == principal and note.kind == "request.withdrawn"


def test_a_request_sent_back_for_changes_can_be_withdrawn(teacher, in_state):
    account_request = in_state(S.CHANGES_REQUESTED)
    assert services.withdraw_request(account_request=account_request, user=teacher).status == S.WITHDRAWN


@pytest.mark.parametrize("status", [S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_withdrawing_is_refused_after_a_decision(teacher, in_state, status):
    account_request = in_state(status)
    with pytest.raises(WorkflowError, match="cannot withdraw"):
        services.withdraw_request(account_request=account_request, user=teacher)
    assert events(account_request) == []


def test_only_the_requester_may_withdraw(principal, colleague, submitted):
    for user in (principal, colleague):
        with pytest.raises(NotPermitted):
            services.withdraw_request(account_request=submitted, user=user)


def test_the_whole_story_leaves_one_event_per_transition(teacher, principal, values):
    account_request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES)
    services.submit_request(account_request=account_request, user=teacher)
    services.request_changes(account_request=account_request, user=principal, comment="Add the grade.")
    services.update_draft(account_request=account_request, user=teacher, values={"title": "Grade 5"})
    services.submit_request(account_request=account_request, user=teacher)
    services.approve_request(account_request=account_request, user=principal)
    assert events(account_request) == [
        "request.created",
        "request.submitted",
        "request.changes_requested",
        "request.updated",
        "request.submitted",
        "request.approved",
    ]
    assert [(n.recipient.email, n.kind) for n in notes()] == [
        (principal.email, "request.submitted"),
        (teacher.email, "request.changes_requested"),
        (principal.email, "request.submitted"),
        (teacher.email, "request.approved"),
    ]
