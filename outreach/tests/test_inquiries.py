"""Media inquiries (AP 1311 §1.5.1): routing, handling, scoping, overdue reminders."""

import pytest
import time_machine
from django.urls import reverse

from accounts.factories import MembershipFactory, UserFactory
from audit.models import AuditEvent
from notifications.models import Notification
from outreach import services, sweeps
from outreach.models import InquiryUpdate, MediaInquiry

from .conftest import local

pytestmark = pytest.mark.django_db


def _kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- Routing -----------------------------------------------------------------------------------------


def test_logged_inquiry_reaches_every_communications_manager_at_once_by_email_per_1_5_1(
    log_inquiry, teacher, school_a, comms
):
    second = UserFactory(email="comms2@sd.example", is_communications_manager=True)
    inquiry = log_inquiry(teacher, school_a)
    for manager in (comms, second):
        note = Notification.objects.get(recipient=manager)
        assert note.kind == "inquiry.logged"
        assert note.email_status == Notification.EmailStatus.PENDING
        assert "Valley Gazette" in note.subject and "class garden" in note.body
        assert note.url == reverse("outreach:inquiry_detail", args=[inquiry.pk])
    assert inquiry.status == MediaInquiry.Status.NEW


def test_the_units_approvers_are_told_for_information_and_other_schools_are_not_per_1_5_1(
    log_inquiry, teacher, school_a, comms, principal, principal_b
):
    log_inquiry(teacher, school_a)
    assert _kinds(principal) == ["inquiry.logged_fyi"]
    assert _kinds(principal_b) == []
    assert _kinds(teacher) == []


def test_inactive_communications_managers_are_not_routed_to(log_inquiry, teacher, school_a, comms):
    retired = UserFactory(email="old.comms@sd.example", is_communications_manager=True, is_active=False)
    log_inquiry(teacher, school_a)
    assert _kinds(retired) == []
    assert _kinds(comms) == ["inquiry.logged"]


def test_an_inquiry_is_never_routed_to_the_communications_manager_who_logged_it(
    log_inquiry, school_a, comms, district_admin
):
    MembershipFactory(user=comms, org_unit=school_a)
    other = UserFactory(email="comms2@sd.example", is_communications_manager=True)
    log_inquiry(comms, school_a)
    assert _kinds(comms) == []
    assert _kinds(other) == ["inquiry.logged"]
    assert _kinds(district_admin) == []


def test_without_another_communications_manager_district_admins_receive_it(
    log_inquiry, school_a, comms, district_admin
):
    MembershipFactory(user=comms, org_unit=school_a)
    log_inquiry(comms, school_a)
    assert _kinds(district_admin) == ["inquiry.logged"]


def test_logging_an_inquiry_writes_one_audit_event(log_inquiry, teacher, school_a, comms):
    inquiry = log_inquiry(teacher, school_a)
    events = list(AuditEvent.objects.for_object(inquiry))
    assert [(e.action, e.actor, e.org_unit) for e in events] == [("inquiry.logged", teacher, school_a)]


def test_an_employee_cannot_log_an_inquiry_for_another_school(log_inquiry, teacher, school_b, comms):
    with pytest.raises(services.OutreachError, match="belong to"):
        log_inquiry(teacher, school_b)
    assert MediaInquiry.objects.count() == 0


# --- Handling ----------------------------------------------------------------------------------------


def test_communications_manager_acknowledges_then_closes_with_a_note_and_the_employee_is_told(
    log_inquiry, teacher, school_a, comms
):
    inquiry = log_inquiry(teacher, school_a)
    services.acknowledge_inquiry(user=comms, inquiry_id=inquiry.pk)
    services.close_inquiry(user=comms, inquiry_id=inquiry.pk, note="Story declined; no visit.")
    inquiry.refresh_from_db()
    assert inquiry.status == MediaInquiry.Status.CLOSED
    assert inquiry.handled_by == comms and inquiry.acknowledged_at and inquiry.closed_at
    assert list(inquiry.updates.values_list("action", "note")) == [
        ("logged", ""),
        ("acknowledged", ""),
        ("closed", "Story declined; no visit."),
    ]
    assert _kinds(teacher) == ["inquiry.acknowledged", "inquiry.closed"]
    actions = list(AuditEvent.objects.for_object(inquiry).order_by("id").values_list("action", flat=True))
    assert actions == ["inquiry.logged", "inquiry.acknowledged", "inquiry.closed"]


def test_responding_records_the_answer_and_implies_acknowledgement(log_inquiry, teacher, school_a, comms):
    inquiry = log_inquiry(teacher, school_a)
    services.respond_to_inquiry(user=comms, inquiry_id=inquiry.pk, note="Sent the district statement.")
    inquiry.refresh_from_db()
    assert inquiry.status == MediaInquiry.Status.RESPONDED
    assert inquiry.acknowledged_at is not None and inquiry.responded_at is not None


def test_closing_without_a_note_is_refused(log_inquiry, teacher, school_a, comms):
    inquiry = log_inquiry(teacher, school_a)
    with pytest.raises(services.OutreachError, match="note"):
        services.close_inquiry(user=comms, inquiry_id=inquiry.pk, note="  ")
    assert MediaInquiry.objects.get(pk=inquiry.pk).status == MediaInquiry.Status.NEW


def test_a_closed_inquiry_can_be_neither_acknowledged_nor_closed_again(log_inquiry, teacher, school_a, comms):
    inquiry = log_inquiry(teacher, school_a)
    services.close_inquiry(user=comms, inquiry_id=inquiry.pk, note="Done.")
    with pytest.raises(services.OutreachError, match="already closed"):
        services.acknowledge_inquiry(user=comms, inquiry_id=inquiry.pk)
    with pytest.raises(services.OutreachError, match="already closed"):
        services.close_inquiry(user=comms, inquiry_id=inquiry.pk, note="Again.")
    assert AuditEvent.objects.filter(action="inquiry.closed").count() == 1


def test_the_person_who_logged_an_inquiry_never_handles_it_even_as_communications_manager_per_1_5_1(
    log_inquiry, school_a, comms
):
    MembershipFactory(user=comms, org_unit=school_a)
    UserFactory(email="comms2@sd.example", is_communications_manager=True)
    inquiry = log_inquiry(comms, school_a)
    with pytest.raises(services.OutreachError, match="another communications manager"):
        services.acknowledge_inquiry(user=comms, inquiry_id=inquiry.pk)


def test_employees_and_approvers_cannot_handle_inquiries(log_inquiry, teacher, school_a, principal, comms):
    inquiry = log_inquiry(teacher, school_a)
    for user in (teacher, principal):
        with pytest.raises(services.OutreachError):
            services.close_inquiry(user=user, inquiry_id=inquiry.pk, note="x")
    assert not InquiryUpdate.objects.exclude(action="logged").exists()


# --- Scoping (views) -----------------------------------------------------------------------------------


@pytest.fixture
def inquiry(log_inquiry, teacher, school_a, comms):
    return log_inquiry(teacher, school_a)


def test_the_employee_sees_own_inquiry_and_its_status_but_no_handling_buttons(client_for, teacher, inquiry):
    client = client_for(teacher)
    body = client.get(reverse("outreach:inquiries")).content.decode()
    assert "Valley Gazette" in body
    detail = client.get(reverse("outreach:inquiry_detail", args=[inquiry.pk])).content.decode()
    assert "Waiting for the communications manager" in detail
    assert "Close with this note" not in detail


def test_the_communications_manager_sees_every_inquiry_with_handling_buttons(
    client_for, comms, inquiry, log_inquiry, teacher_b, school_b
):
    log_inquiry(teacher_b, school_b, outlet="Lakeside Radio")
    client = client_for(comms)
    body = client.get(reverse("outreach:inquiries")).content.decode()
    assert "Valley Gazette" in body and "Lakeside Radio" in body
    detail = client.get(reverse("outreach:inquiry_detail", args=[inquiry.pk])).content.decode()
    assert "Acknowledge" in detail and "Close with this note" in detail


def test_the_schools_approver_sees_its_inquiries_read_only(client_for, principal, inquiry):
    client = client_for(principal)
    assert "Valley Gazette" in client.get(reverse("outreach:inquiries")).content.decode()
    detail = client.get(reverse("outreach:inquiry_detail", args=[inquiry.pk]))
    assert detail.status_code == 200
    assert "Close with this note" not in detail.content.decode()
    response = client.post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["principal_b", "teacher_b", "colleague"])
def test_outsiders_get_404_on_an_inquiry_and_do_not_see_it_listed(request, client_for, inquiry, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("outreach:inquiry_detail", args=[inquiry.pk])).status_code == 404
    assert client.post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": "x"}).status_code == 404
    assert "Valley Gazette" not in client.get(reverse("outreach:inquiries")).content.decode()


def test_the_employee_who_logged_it_gets_403_when_trying_to_close_it(client_for, teacher, inquiry):
    response = client_for(teacher).post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": "x"})
    assert response.status_code == 403


def test_handling_actions_refuse_get(client_for, comms, inquiry):
    client = client_for(comms)
    for name in ("inquiry_acknowledge", "inquiry_respond", "inquiry_close"):
        assert client.get(reverse(f"outreach:{name}", args=[inquiry.pk])).status_code == 405
    assert MediaInquiry.objects.get(pk=inquiry.pk).status == MediaInquiry.Status.NEW


def test_closing_an_already_closed_inquiry_is_refused_with_a_message(client_for, comms, inquiry):
    client = client_for(comms)
    client.post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": "Handled by phone."})
    response = client.post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": "Again"}, follow=True)
    assert "This inquiry is already closed." in response.content.decode()


def test_closing_without_a_note_in_the_browser_form_shows_why(client_for, comms, inquiry):
    response = client_for(comms).post(reverse("outreach:inquiry_close", args=[inquiry.pk]), {"note": ""}, follow=True)
    assert "Add a short note" in response.content.decode()


def test_logging_through_the_form_routes_it_and_confirms_with_a_message(client_for, teacher, school_a, comms):
    response = client_for(teacher).post(
        reverse("outreach:inquiry_create"),
        {
            "org_unit": school_a.pk,
            "received_via": "Room 12 blog",
            "outlet": "City News",
            "contact_name": "Sam",
            "contact_details": "",
            "question": "Interview about the science fair?",
            "deadline": "2030-02-01T16:00",
        },
        follow=True,
    )
    inquiry = MediaInquiry.objects.get()
    assert response.redirect_chain[-1][0] == reverse("outreach:inquiry_detail", args=[inquiry.pk])
    assert "communications manager has been told" in response.content.decode()
    assert inquiry.deadline == local(2030, 2, 1, 16)
    assert _kinds(comms) == ["inquiry.logged"]


def test_people_without_a_unit_cannot_open_the_inquiry_form(client_for, comms):
    assert client_for(comms).get(reverse("outreach:inquiry_create")).status_code == 403


def test_the_list_filters_by_status_and_search(client_for, comms, inquiry, log_inquiry, teacher, school_a):
    other = log_inquiry(teacher, school_a, outlet="Lakeside Radio", question="Budget?")
    services.close_inquiry(user=comms, inquiry_id=other.pk, note="Done")
    client = client_for(comms)
    body = client.get(reverse("outreach:inquiries"), {"status": "new"}).content.decode()
    assert "Valley Gazette" in body and "Lakeside Radio" not in body
    body = client.get(reverse("outreach:inquiries"), {"q": "budget"}).content.decode()
    assert "Lakeside Radio" in body and "Valley Gazette" not in body
    body = client.get(reverse("outreach:inquiries"), {"q": "nothing like this"}).content.decode()
    assert "No inquiries match these filters" in body


def test_the_employee_without_inquiries_sees_a_helpful_empty_state(client_for, teacher):
    body = client_for(teacher).get(reverse("outreach:inquiries")).content.decode()
    assert "You haven't logged any media inquiries" in body


# --- Overdue reminders ---------------------------------------------------------------------------------


def test_an_overdue_unacknowledged_inquiry_reminds_the_communications_managers_once_a_day(
    log_inquiry, teacher, school_a, comms
):
    with time_machine.travel(local(2026, 11, 2, 9), tick=False):
        inquiry = log_inquiry(teacher, school_a, deadline=local(2026, 11, 3, 12))
    with time_machine.travel(local(2026, 11, 3, 11), tick=False):
        assert sweeps.remind_overdue_inquiries().created == 0
    with time_machine.travel(local(2026, 11, 3, 13), tick=False):
        assert sweeps.remind_overdue_inquiries().created == 1
        assert sweeps.remind_overdue_inquiries().created == 0
    with time_machine.travel(local(2026, 11, 3, 23, 30), tick=False):
        # Still the same district-local day, although it is already the next day in UTC.
        assert sweeps.remind_overdue_inquiries().created == 0
    with time_machine.travel(local(2026, 11, 4, 8), tick=False):
        assert sweeps.remind_overdue_inquiries().created == 1
    reminders = Notification.objects.filter(recipient=comms, kind="reminder.inquiry_overdue")
    assert reminders.count() == 2
    assert all(r.url == reverse("outreach:inquiry_detail", args=[inquiry.pk]) for r in reminders)
    assert _kinds(teacher) == []


def test_an_acknowledged_inquiry_is_not_overdue(log_inquiry, teacher, school_a, comms):
    with time_machine.travel(local(2026, 11, 2, 9), tick=False):
        inquiry = log_inquiry(teacher, school_a, deadline=local(2026, 11, 3, 12))
        services.acknowledge_inquiry(user=comms, inquiry_id=inquiry.pk)
    with time_machine.travel(local(2026, 11, 5, 9), tick=False):
        assert sweeps.remind_overdue_inquiries().created == 0


def test_the_overdue_task_runs_the_sweep(log_inquiry, teacher, school_a, comms):
    from notifications.tasks import run_sweep

    with time_machine.travel(local(2026, 11, 2, 9), tick=False):
        log_inquiry(teacher, school_a, deadline=local(2026, 11, 2, 10))
    with time_machine.travel(local(2026, 11, 2, 11), tick=False):
        assert run_sweep("overdue_inquiries") == {"planned": 1, "created": 1, "already_sent": 0, "skipped": 0}
