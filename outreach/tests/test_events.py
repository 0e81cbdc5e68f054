"""School events and the parents' no-photo reminder (AP 1311 §3.1)."""

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from outreach import services, sweeps
from outreach.models import SchoolEvent
from outreach.statements import EVENT_ANNOUNCEMENT

from .conftest import local

pytestmark = pytest.mark.django_db

CONCERT = local(2026, 12, 10, 10)  # Thursday 10:00 in Vancouver, far from any DST change


def _reminders(user=None):
    qs = Notification.objects.filter(kind="reminder.event_announcement")
    return qs.filter(recipient=user) if user else qs


def _sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return sweeps.send_event_reminders().created


# --- Reminders ----------------------------------------------------------------------------------------


def test_the_organiser_is_reminded_the_day_before_and_3_hours_before_once_each_per_3_1(make_event, teacher, school_a):
    make_event(teacher, school_a, CONCERT)
    assert _sweep_at(local(2026, 12, 9, 9, 59)) == 0
    assert _sweep_at(local(2026, 12, 9, 10, 0)) == 1
    assert _sweep_at(local(2026, 12, 9, 10, 15)) == 0
    assert _sweep_at(local(2026, 12, 10, 6, 59)) == 0
    assert _sweep_at(local(2026, 12, 10, 7, 0)) == 1
    assert _sweep_at(local(2026, 12, 10, 9, 45)) == 0
    assert _sweep_at(local(2026, 12, 10, 10, 0)) == 0  # started: nothing more
    assert _reminders(teacher).count() == 2
    keys = sorted(_reminders().values_list("dedupe_key", flat=True))
    assert [k.split(":")[2] for k in keys] == ["24h", "3h"]


def test_the_reminder_carries_the_announcement_in_the_portals_words(make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT, location="Gym")
    _sweep_at(local(2026, 12, 9, 12))
    reminder = _reminders(teacher).get()
    assert str(EVENT_ANNOUNCEMENT) in reminder.body  # lazy: read in the organiser's language
    assert "Winter concert in Gym" in reminder.body and "10:00" in reminder.body
    assert reminder.url == reverse("outreach:event_detail", args=[event.pk])


def test_a_late_sweep_catches_up_with_one_reminder_not_two(make_event, teacher, school_a):
    make_event(teacher, school_a, CONCERT)
    assert _sweep_at(local(2026, 12, 10, 8)) == 1  # both windows passed: only the latest is sent
    assert _sweep_at(local(2026, 12, 10, 8, 30)) == 0
    assert [k.split(":")[2] for k in _reminders().values_list("dedupe_key", flat=True)] == ["3h"]


def test_lead_times_follow_the_district_wall_clock_across_the_daylight_saving_change(make_event, teacher, school_a):
    # DST starts on Sunday 14 March 2027 at 02:00 in Vancouver: the day before a 10:00 event is 23 hours earlier.
    make_event(teacher, school_a, local(2027, 3, 14, 10))
    assert _sweep_at(local(2027, 3, 13, 9, 30)) == 0  # 24 elapsed hours before, but not yet 10:00 the day before
    assert _sweep_at(local(2027, 3, 13, 10, 0)) == 1


def test_lead_times_are_a_setting(settings, make_event, teacher, school_a):
    settings.OUTREACH_EVENT_REMINDER_HOURS = [48]
    make_event(teacher, school_a, CONCERT)
    assert _sweep_at(local(2026, 12, 8, 10)) == 1
    assert _sweep_at(local(2026, 12, 10, 8)) == 0


def test_confirmed_and_cancelled_events_get_no_reminder(make_event, teacher, colleague, school_a):
    make_event(teacher, school_a, CONCERT, announcement_confirmed_at=local(2026, 12, 9, 8))
    make_event(colleague, school_a, CONCERT, title="Cancelled play", status=SchoolEvent.Status.CANCELLED)
    assert _sweep_at(local(2026, 12, 10, 8)) == 0


def test_a_moved_event_is_reminded_again_for_its_new_time(make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT)
    _sweep_at(local(2026, 12, 10, 8))
    SchoolEvent.objects.filter(pk=event.pk).update(starts_at=local(2026, 12, 11, 10))
    assert _sweep_at(local(2026, 12, 11, 8)) == 1


def test_the_reminder_task_runs_the_sweep(make_event, teacher, school_a):
    from notifications.tasks import run_sweep

    make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 10, 8), tick=False):
        assert run_sweep("event_reminders") == {"planned": 1, "created": 1, "already_sent": 0, "skipped": 0}


# --- Recording events ---------------------------------------------------------------------------------


def test_a_principal_records_an_event_for_a_teacher_who_is_told_and_it_is_audited(principal, teacher, school_a):
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        event = services.schedule_event(
            user=principal, org_unit=school_a, title="Winter concert", starts_at=CONCERT, organiser=teacher
        )
    assert event.created_by == principal and event.organiser == teacher
    assert Notification.objects.get(recipient=teacher).kind == "event.scheduled"
    assert list(AuditEvent.objects.for_object(event).values_list("action", flat=True)) == ["event.scheduled"]


def test_an_event_cannot_be_recorded_for_another_school_or_with_an_outside_organiser(
    teacher, teacher_b, school_a, school_b
):
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        with pytest.raises(services.OutreachError, match="school you belong to"):
            services.schedule_event(user=teacher, org_unit=school_b, title="x", starts_at=CONCERT, organiser=teacher)
        with pytest.raises(services.OutreachError, match="not on the staff"):
            services.schedule_event(user=teacher, org_unit=school_a, title="x", starts_at=CONCERT, organiser=teacher_b)
    assert SchoolEvent.objects.count() == 0


def test_the_form_records_an_event_in_district_time_with_a_message(client_for, teacher, school_a):
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        response = client_for(teacher).post(
            reverse("outreach:event_create"),
            {
                "org_unit": school_a.pk,
                "title": "Winter concert",
                "starts_at": "2026-12-10T10:00",
                "organiser": teacher.pk,
            },
            follow=True,
        )
    event = SchoolEvent.objects.get()
    assert event.starts_at == CONCERT
    assert "is recorded" in response.content.decode()


def test_the_form_refuses_a_past_time_and_an_organiser_from_another_school(client_for, teacher, teacher_b, school_a):
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        response = client_for(teacher).post(
            reverse("outreach:event_create"),
            {"org_unit": school_a.pk, "title": "Too late", "starts_at": "2026-11-30T10:00", "organiser": teacher.pk},
        )
    assert "Choose a time in the future." in response.content.decode()
    assert SchoolEvent.objects.count() == 0
    # Organisers offered are the staff of the user's schools only.
    assert teacher_b not in response.context["form"].fields["organiser"].queryset


# --- Confirming the announcement -------------------------------------------------------------------------


def test_the_organiser_confirms_and_the_approver_sees_which_events_were_confirmed_per_3_1(
    client_for, make_event, teacher, colleague, principal, school_a
):
    confirmed = make_event(teacher, school_a, CONCERT)
    make_event(colleague, school_a, CONCERT, title="Science fair")
    with time_machine.travel(local(2026, 12, 10, 8), tick=False):
        response = client_for(teacher).post(reverse("outreach:event_confirm", args=[confirmed.pk]), follow=True)
        assert "recorded as read out" in response.content.decode()
        body = client_for(principal).get(reverse("outreach:events")).content.decode()
    confirmed.refresh_from_db()
    assert confirmed.is_confirmed and confirmed.announcement_version
    assert body.count("Confirmed</span>") == 1 and "Science fair" in body
    assert list(AuditEvent.objects.for_object(confirmed).values_list("action", flat=True)) == [
        "event.announcement_confirmed"
    ]
    filtered = client_for(principal).get(reverse("outreach:events"), {"when": "", "confirmed": "no"})
    assert "Science fair" in filtered.content.decode() and "Winter concert" not in filtered.content.decode()


def test_confirming_before_the_reminder_goes_out_is_refused_with_a_message(client_for, make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        response = client_for(teacher).post(reverse("outreach:event_confirm", args=[event.pk]), follow=True)
    assert "You can confirm from" in response.content.decode()
    event.refresh_from_db()
    assert not event.is_confirmed


def test_confirming_twice_is_refused_with_a_message(client_for, make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 10, 8), tick=False):
        client = client_for(teacher)  # signed in at the travelled-to time, or the session would have expired
        client.post(reverse("outreach:event_confirm", args=[event.pk]))
        response = client.post(reverse("outreach:event_confirm", args=[event.pk]), follow=True)
    assert "already confirmed" in response.content.decode()
    assert AuditEvent.objects.filter(action="event.announcement_confirmed").count() == 1


def test_only_the_organiser_confirms_a_colleague_gets_403(client_for, make_event, teacher, colleague, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 10, 8), tick=False):
        assert client_for(colleague).post(reverse("outreach:event_confirm", args=[event.pk])).status_code == 403
        with pytest.raises(services.OutreachError, match="organiser"):
            services.confirm_event_announcement(user=colleague, event_id=event.pk)


@pytest.mark.parametrize("who", ["teacher_b", "principal_b", "comms"])
def test_outsiders_get_404_on_another_schools_event(request, client_for, make_event, teacher, school_a, who):
    event = make_event(teacher, school_a, CONCERT)
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("outreach:event_detail", args=[event.pk])).status_code == 404
    assert client.post(reverse("outreach:event_confirm", args=[event.pk])).status_code == 404
    assert "Winter concert" not in client.get(reverse("outreach:events"), {"when": ""}).content.decode()


def test_event_actions_refuse_get(client_for, make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT)
    client = client_for(teacher)
    assert client.get(reverse("outreach:event_confirm", args=[event.pk])).status_code == 405
    assert client.get(reverse("outreach:event_cancel", args=[event.pk])).status_code == 405


# --- Cancelling -----------------------------------------------------------------------------------------


def test_the_principal_cancels_an_event_and_the_organiser_is_told(client_for, make_event, teacher, principal, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        response = client_for(principal).post(reverse("outreach:event_cancel", args=[event.pk]), follow=True)
    assert "Event cancelled" in response.content.decode()
    event.refresh_from_db()
    assert event.is_cancelled
    assert Notification.objects.get(recipient=teacher).kind == "event.cancelled"
    with (
        time_machine.travel(local(2026, 12, 10, 8), tick=False),
        pytest.raises(services.OutreachError, match="cancelled"),
    ):
        services.confirm_event_announcement(user=teacher, event_id=event.pk)


def test_an_event_that_has_started_cannot_be_cancelled(make_event, teacher, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with (
        time_machine.travel(local(2026, 12, 10, 10, 30), tick=False),
        pytest.raises(services.OutreachError, match="already started"),
    ):
        services.cancel_event(user=teacher, event_id=event.pk)


def test_a_colleague_who_is_not_involved_cannot_cancel(client_for, make_event, teacher, colleague, school_a):
    event = make_event(teacher, school_a, CONCERT)
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        assert client_for(colleague).post(reverse("outreach:event_cancel", args=[event.pk])).status_code == 403


def test_the_events_page_has_a_helpful_empty_state(client_for, teacher):
    body = client_for(teacher).get(reverse("outreach:events")).content.decode()
    assert "No events here coming up" in body and "Record it" in body
