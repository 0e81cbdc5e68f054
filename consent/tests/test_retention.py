"""The roster expires with its school year (§1.3.6, docs/privacy.md): purged by a scheduled task after
CONSENT_RETENTION_DAYS, with one audit event that says how many rows went, never who."""

import datetime
import importlib

import pytest
import time_machine

from audit.models import AuditEvent
from consent import rules, services, tasks
from consent.models import Roster, SchoolClass, Student
from notifications.schedules import SCHEDULES

from .conftest import ROWS_A, ROWS_B, STUDENT_NAMES, sis

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_years_rosters(principal, principal_b, school_a, school_b, import_sis):
    """Rosters of 2026–27, imported during that school year."""
    with time_machine.travel(datetime.datetime(2026, 10, 1, 12, tzinfo=datetime.UTC), tick=False):
        import_sis(principal, school_a, sis(*ROWS_A), school_year=2026)
        import_sis(principal_b, school_b, sis(*ROWS_B), school_year=2026)


def _noon(day: datetime.date):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def test_the_purge_date_follows_the_school_year_end_and_the_setting(settings):
    settings.CONSENT_RETENTION_DAYS = 30
    assert rules.school_year_end(2026) == datetime.date(2027, 8, 31)
    assert rules.purge_date(2026) == datetime.date(2027, 10, 1)
    settings.CONSENT_RETENTION_DAYS = 0
    assert rules.purge_date(2026) == datetime.date(2027, 9, 1)


def test_nothing_goes_while_the_year_and_its_retention_last(last_years_rosters, settings):
    settings.CONSENT_RETENTION_DAYS = 30
    with time_machine.travel(_noon(datetime.date(2027, 9, 30)), tick=False):
        assert tasks.purge_expired_rosters() == {"rosters": 0, "students": 0}
    assert Student.objects.count() == 6
    assert not AuditEvent.objects.filter(action="consent.purged").exists()


def test_the_day_after_the_retention_the_rosters_go_with_one_event_that_counts_them_and_names_nobody(
    last_years_rosters, settings
):
    settings.CONSENT_RETENTION_DAYS = 30
    with time_machine.travel(_noon(datetime.date(2027, 10, 1)), tick=False):
        assert tasks.purge_expired_rosters() == {"rosters": 2, "students": 6}
    assert not Roster.objects.exists() and not Student.objects.exists() and not SchoolClass.objects.exists()
    event = AuditEvent.objects.get(action="consent.purged")
    assert event.actor is None
    assert event.details == {"rosters": 2, "students": 6, "school_years": [2026], "retention_days": 30}
    assert not any(name in repr(event.details) + event.target_repr for name in STUDENT_NAMES)


def test_a_second_run_finds_nothing_and_records_nothing(last_years_rosters):
    later = _noon(datetime.date(2028, 1, 10))
    with time_machine.travel(later, tick=False):
        services.purge_expired_rosters()
        assert services.purge_expired_rosters().rosters == 0
    assert AuditEvent.objects.filter(action="consent.purged").count() == 1


def test_the_current_years_roster_survives_the_purge_of_last_years(
    last_years_rosters, principal, school_a, import_sis, settings
):
    settings.CONSENT_RETENTION_DAYS = 0
    with time_machine.travel(_noon(datetime.date(2027, 9, 15)), tick=False):
        import_sis(principal, school_a, sis(ROWS_A[0]), school_year=2027)
        services.purge_expired_rosters()
    assert list(Roster.objects.values_list("school_year", flat=True)) == [2027]


def test_the_purge_is_scheduled_daily_through_celery_beat():
    (schedule,) = [s for s in SCHEDULES if s.task == "consent.tasks.purge_expired_rosters"]
    module, name = schedule.task.rsplit(".", 1)
    assert hasattr(importlib.import_module(module), name) and schedule.crontab
