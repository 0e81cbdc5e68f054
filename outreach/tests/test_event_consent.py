"""Events that name the classes or grades taking part (§3.1): the organiser's reminder says how many of
them have no photo consent (§1.3.6), a count only, with a link to the audited check."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from consent import rules as consent_rules
from consent.tests.conftest import ROWS_A, STUDENT_NAMES, sis
from notifications.models import Notification
from outreach import rules, services, sweeps
from outreach.forms import EventForm

from .conftest import local

pytestmark = pytest.mark.django_db

ASSEMBLY = local(2027, 2, 10, 10)  # school year 2026–27, like the roster imported "now" (December 2026)


@pytest.fixture
def roster(principal, school_a):
    from consent import services as consent

    consent.import_roster(
        actor=principal, org_unit=school_a, school_year=2026, files={"sis": sis(*ROWS_A)}, dry_run=False
    )


def _reminder_for(make_event, organiser, unit, **taking_part):
    make_event(organiser, unit, ASSEMBLY, title="Spring assembly", **taking_part)
    with time_machine.travel(local(2027, 2, 9, 12), tick=False):
        sweeps.send_event_reminders()
    return Notification.objects.get(kind="reminder.event_announcement", recipient=organiser)


def test_the_reminder_counts_who_taking_part_has_no_photo_consent_and_links_to_the_list(
    make_event, teacher, school_a, roster
):
    reminder = _reminder_for(make_event, teacher, school_a, classes_taking_part=["5A", "5B"])
    assert "Taking part: 5A, 5B." in reminder.body
    assert "2 of the 4 students taking part have no consent to appear in photos or videos (§1.3.6)" in reminder.body
    link = next(line for line in reminder.body.splitlines() if "/consent/check/" in line)
    assert "school_class=5A" in link and "school_class=5B" in link and "year=2026" in link
    # Beside the announcement for parents, which is still there.
    assert "read this to the parents" in reminder.body


def test_the_reminder_never_names_a_student(make_event, teacher, school_a, roster):
    reminder = _reminder_for(make_event, teacher, school_a, grades_taking_part=["5"])
    assert "2 of the 4 students" in reminder.body
    assert not any(name in reminder.subject + reminder.body for name in STUDENT_NAMES)


def test_the_link_opens_the_same_students_for_the_organiser_and_the_look_up_is_audited(
    make_event, client_for, teacher, school_a, roster
):
    reminder = _reminder_for(make_event, teacher, school_a, classes_taking_part=["5A", "5B"])
    link = next(line for line in reminder.body.splitlines() if "/consent/check/" in line)
    parts = urlsplit(link.strip())
    response = client_for(teacher).get(f"{parts.path}?{parts.query}")
    assert [s.display_name for s in response.context["no_photo"]] == ["Ben Brown", "Cleo Chen"]
    assert AuditEvent.objects.get(action="consent.looked_up").details["classes"] == ["5A", "5B"]


def test_all_consented_is_said_plainly(make_event, teacher, school_a, roster):
    reminder = _reminder_for(make_event, teacher, school_a, grades_taking_part=["6"])
    assert "All 1 student taking part consented to photos and videos" in reminder.body
    assert "/consent/check/" not in reminder.body


def test_without_a_roster_the_reminder_says_to_treat_everyone_as_not_consented(make_event, teacher, school_a):
    reminder = _reminder_for(make_event, teacher, school_a, classes_taking_part=["5A"])
    assert "no consent roster for this school year" in reminder.body


def test_an_event_that_names_nobody_keeps_the_reminder_as_it_was(make_event, teacher, school_a, roster):
    reminder = _reminder_for(make_event, teacher, school_a)
    assert "Taking part" not in reminder.body and "/consent/" not in reminder.body


def test_scheduling_an_event_keeps_the_classes_and_grades_each_once(teacher, school_a):
    with time_machine.travel(local(2027, 1, 5, 9), tick=False):
        event = services.schedule_event(
            user=teacher,
            org_unit=school_a,
            title="Spring assembly",
            starts_at=ASSEMBLY,
            organiser=teacher,
            classes=[" 5A", "5a", "5B"],
            grades=["6"],
        )
    assert event.classes_taking_part == ["5A", "5B"] and event.grades_taking_part == ["6"]
    assert AuditEvent.objects.get(action="event.scheduled").details["taking_part"] == "5A, 5B; grade 6"


def _form(user, unit, **data):
    return EventForm(
        {
            "org_unit": unit.pk,
            "title": "Spring assembly",
            "starts_at": "2027-02-10T10:00",
            "organiser": user.pk,
            **data,
        },
        user=user,
    )


def test_the_event_form_refuses_a_class_the_roster_does_not_have_and_lists_those_it_has(teacher, school_a, roster):
    with time_machine.travel(local(2027, 1, 5, 9), tick=False):
        form = _form(teacher, school_a, classes="5a, 9Z")
        assert not form.is_valid()
    assert "Not on Ridgeview Elementary's consent roster for 2026–27: 9Z" in form.errors["classes"][0]
    assert "It has: 5A, 5B, 6A." in form.errors["classes"][0]


def test_the_event_form_writes_class_names_as_the_roster_does(teacher, school_a, roster):
    with time_machine.travel(local(2027, 1, 5, 9), tick=False):
        form = _form(teacher, school_a, classes="5a; 5b", grades="5")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["classes"] == ["5A", "5B"] and form.cleaned_data["grades"] == ["5"]


def test_without_a_roster_the_event_form_keeps_the_names_as_typed(teacher, school_a):
    with time_machine.travel(local(2027, 1, 5, 9), tick=False):
        form = _form(teacher, school_a, classes="Div 3")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["classes"] == ["Div 3"]


def test_the_event_page_shows_the_count_and_the_link(client_for, make_event, teacher, school_a, roster):
    event = make_event(teacher, school_a, ASSEMBLY, classes_taking_part=["5A"])
    body = client_for(teacher).get(reverse("outreach:event_detail", args=[event.pk])).content.decode()
    assert "2 of 3 without photo consent" in body and reverse("consent:check") in body
    assert not any(name in body for name in STUDENT_NAMES)


@pytest.mark.parametrize("start", [(9, 1), (8, 25)])
def test_consent_and_outreach_agree_on_the_school_year_of_every_day(settings, start):
    settings.OUTREACH_SCHOOL_YEAR_START = start
    day = datetime.date(2026, 1, 1)
    for offset in range(0, 800, 3):
        moment = day + datetime.timedelta(days=offset)
        assert consent_rules.school_year_of(moment) == rules.school_year_of(moment), moment
