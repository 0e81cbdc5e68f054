"""The home page's outreach tasks, the admin pages and the declared schedules."""

import importlib
import json

import pytest
import time_machine
from django.urls import reverse

from notifications.schedules import SCHEDULES
from outreach import services
from outreach.statements import ATTESTATION_CODES

from .conftest import local

pytestmark = pytest.mark.django_db


def _home(client):
    return client.get(reverse("home")).content.decode()


def test_home_shows_nothing_from_outreach_when_nothing_is_due(client_for, teacher):
    services.attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    body = _home(client_for(teacher))
    assert "Outreach tasks for today" not in body


def test_home_asks_an_employee_to_confirm_the_personal_use_rules_per_2(client_for, teacher):
    body = _home(client_for(teacher))
    assert "Outreach tasks for today" in body
    assert reverse("outreach:attestation") in body


def test_home_lists_an_event_whose_reminder_is_out_and_drops_it_once_confirmed_per_3_1(
    client_for, make_event, teacher, school_a
):
    services.attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    event = make_event(teacher, school_a, local(2026, 12, 10, 10))
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        assert "Winter concert" not in _home(client_for(teacher))  # reminder not out yet
    with time_machine.travel(local(2026, 12, 10, 8), tick=False):
        client = client_for(teacher)
        assert reverse("outreach:event_detail", args=[event.pk]) in _home(client)
        services.confirm_event_announcement(user=teacher, event_id=event.pk)
        assert "Winter concert" not in _home(client)


def test_home_tells_the_communications_manager_how_many_inquiries_wait_and_how_many_are_overdue_per_1_5_1(
    client_for, log_inquiry, teacher, school_a, comms
):
    with time_machine.travel(local(2026, 11, 2, 9), tick=False):
        log_inquiry(teacher, school_a, deadline=local(2026, 11, 2, 12))
        log_inquiry(teacher, school_a, deadline=local(2026, 11, 9, 12))
    with time_machine.travel(local(2026, 11, 3, 9), tick=False):
        body = _home(client_for(comms))
    assert "2 media inquiries are waiting for you to acknowledge" in body
    assert "1 past the outlet" in body


def test_the_employee_who_logged_an_inquiry_is_not_asked_to_handle_it(
    client_for, log_inquiry, teacher, school_a, comms
):
    services.attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    log_inquiry(teacher, school_a)
    assert "waiting for you to acknowledge" not in _home(client_for(teacher))


@pytest.mark.parametrize("model", ["mediainquiry", "inquiryupdate", "schoolevent", "personaluseattestation"])
def test_district_admins_can_browse_and_search_every_outreach_model_in_the_admin(
    client_for, district_admin, log_inquiry, make_event, teacher, school_a, comms, model
):
    inquiry = log_inquiry(teacher, school_a)
    event = make_event(teacher, school_a, local(2030, 1, 1, 10))
    attestation = services.attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    objects = {
        "mediainquiry": inquiry,
        "inquiryupdate": inquiry.updates.get(),
        "schoolevent": event,
        "personaluseattestation": attestation,
    }
    client = client_for(district_admin)
    assert client.get(reverse(f"admin:outreach_{model}_changelist"), {"q": "teacher"}).status_code == 200
    assert client.get(reverse(f"admin:outreach_{model}_change", args=[objects[model].pk])).status_code == 200
    assert client.get(reverse(f"admin:outreach_{model}_add")).status_code == 403


def test_every_outreach_reminder_is_declared_once_in_the_schedules():
    from notifications.sweeps import registered_sweeps

    ours = [s for s in SCHEDULES if s.args and s.args[0] in ("overdue_inquiries", "attestations", "event_reminders")]
    assert sorted(s.args[0] for s in ours) == ["attestations", "event_reminders", "overdue_inquiries"]
    for schedule in ours:
        module, name = schedule.task.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), name)
        assert registered_sweeps()[schedule.args[0]].__module__ == "outreach.sweeps"


def test_setup_schedules_writes_the_outreach_reminders_to_celery_beat():
    from django.core.management import call_command
    from django_celery_beat.models import PeriodicTask

    call_command("setup_schedules", stdout=None)
    swept = {json.loads(t.args)[0] for t in PeriodicTask.objects.filter(task="notifications.tasks.run_sweep")}
    assert {"overdue_inquiries", "attestations", "event_reminders"} <= swept
