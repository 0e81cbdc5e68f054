"""The offboarding sweep (§1.4.5): open cases remind their approvers once a day and reach the district
admins after OFFBOARDING_ESCALATE_AFTER_DAYS."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from notifications.sweeps import run_sweep

pytestmark = pytest.mark.django_db

OPENED = datetime.datetime(2026, 11, 2, 9, 0)


@pytest.fixture
def open_case(owned, teacher, school_a, principal, district_admin, leave):
    with time_machine.travel(timezone.make_aware(OPENED), tick=False):
        leave(teacher, school_a)


def reminders(user, kind="reminder.offboarding"):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_an_open_case_reminds_its_approvers_once_a_day_1_4_5(open_case, principal, teacher):
    day = datetime.date(2026, 11, 3)
    run_sweep("offboarding", day=day)
    run_sweep("offboarding", day=day)
    assert reminders(principal).count() == 1
    assert "Tara Teacher leaving Ridgeview Elementary: 2 items left" in reminders(principal).get().body
    run_sweep("offboarding", day=day + datetime.timedelta(days=1))
    assert reminders(principal).count() == 2
    assert not reminders(teacher).exists()


def test_a_case_escalates_to_district_admins_after_the_configured_days_1_4_5(open_case, district_admin, settings):
    settings.OFFBOARDING_ESCALATE_AFTER_DAYS = 7
    run_sweep("offboarding", day=datetime.date(2026, 11, 8))
    assert not reminders(district_admin, "escalation.offboarding").exists()
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 11, 9, 7, 15)), tick=False):
        run_sweep("offboarding")
    assert reminders(district_admin, "escalation.offboarding").count() == 1


def test_a_closed_case_reminds_nobody(open_case, owned, colleague, principal):
    from registry import services as registry

    registry.transfer_ownership(actor=principal, entry=owned, new_owner=colleague)
    registry.update_credentials(actor=principal, entry=owned, password="New-Secret-2")
    run_sweep("offboarding", day=datetime.date(2026, 11, 20))
    assert not reminders(principal).exists()
