"""Reminders keep their word (issue 11, item 7): escalations counted in each account's own periods,
and a new flag reaches the approver by the next morning. The clock is moved morning by morning."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation import services
from moderation.models import MissedCheckIn
from notifications.models import Notification
from notifications.sweeps import run_sweep

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("America/Vancouver")
START = datetime.date(2026, 11, 1)  # a Sunday
MONDAY = datetime.date(2026, 11, 23)


def at(day: datetime.date, hour: int = 7, minute: int = 30) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def mornings(first: datetime.date, count: int, sweep: str = "moderation", *, before=None, skip=()):
    """Run `sweep` as beat would at 07:30 on `count` district mornings from `first` (clock moved)."""
    for n in range(count):
        day = first + datetime.timedelta(days=n)
        with time_machine.travel(at(day), tick=False):
            if before:
                before(day)
            if day not in skip:
                run_sweep(sweep)


def escalation_days(user, kind="escalation.moderation") -> list[str]:
    return sorted(
        key.rsplit(":", 1)[1]
        for key in Notification.objects.filter(recipient=user, kind=kind).values_list("dedupe_key", flat=True)
    )


# --- The window is the account's own periods ------------------------------------------------------------


def test_a_60_day_run_escalates_a_weekly_account_after_3_missed_weeks_then_weekly_1_4_3(
    make_entry, teacher, school_a, principal
):
    make_entry(teacher, school_a, handle="weekly", comments="moderated", registered=at(START, 6))
    mornings(START, 60)
    # Weeks of Nov 2, 9 and 16 missed: flagged on Monday Nov 23, then a summary each Monday.
    assert escalation_days(principal) == [
        "2026-11-23",
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
        "2026-12-28",
    ]
    first = Notification.objects.filter(recipient=principal, kind="escalation.moderation").earliest("created_at")
    assert "@weekly" in first.body and "3 of the last 7 weeks missed" in first.body and "(1 new)" in first.subject


def test_a_60_day_run_escalates_a_daily_account_after_3_missed_days_then_weekly_1_4_3(
    make_entry, teacher, school_a, principal
):
    make_entry(teacher, school_a, handle="daily", comments="on", registered=at(START, 6))
    mornings(START, 60)
    # Nov 2, 3 and 4 missed: flagged on Thursday Nov 5, then a summary each Monday.
    assert escalation_days(principal) == [
        "2026-11-05",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
        "2026-12-07",
        "2026-12-14",
        "2026-12-21",
        "2026-12-28",
    ]
    assert Notification.objects.filter(recipient=teacher, kind="reminder.moderation").count() == 60


def test_60_days_of_owners_who_keep_their_cadence_never_escalate_1_4_3(make_entry, teacher, school_a, principal):
    daily = make_entry(teacher, school_a, handle="daily", comments="on", registered=at(START, 6))
    weekly = make_entry(teacher, school_a, handle="weekly", comments="moderated", registered=at(START, 6))
    week_number = {}

    def owner_checks(day):
        # Daily: two days off a week (under the threshold). Weekly: every week but the first and third.
        if day.weekday() not in (2, 5):
            services.record_checkin(user=teacher, entry=daily)
        week = week_number.setdefault(day - datetime.timedelta(days=day.weekday()), len(week_number))
        if day.weekday() == 3 and week not in (1, 3):
            services.record_checkin(user=teacher, entry=weekly)

    mornings(START, 60, before=owner_checks)
    assert MissedCheckIn.objects.filter(entry=daily).count() > 10
    assert MissedCheckIn.objects.filter(entry=weekly).count() == 2
    assert escalation_days(principal) == []


def test_three_missed_days_within_the_last_seven_escalate_even_when_not_in_a_row_1_4_3(
    make_entry, teacher, school_a, principal
):
    entry = make_entry(teacher, school_a, handle="patchy", comments="on", registered=at(START, 6))

    def owner_checks(day):
        if day not in (datetime.date(2026, 11, 3), datetime.date(2026, 11, 5), datetime.date(2026, 11, 7)):
            services.record_checkin(user=teacher, entry=entry)

    mornings(START, 8, before=owner_checks)
    assert escalation_days(principal) == ["2026-11-08"]


# --- A new flag does not wait for next week ----------------------------------------------------------


@pytest.fixture
def flagged_on_monday_and_thursday(make_entry, teacher, school_a, long_ago):
    """`old` is flagged long before Monday Nov 23; `late` (registered Sunday) is flagged on Thursday."""
    make_entry(teacher, school_a, handle="old", comments="on", registered=long_ago)
    make_entry(teacher, school_a, handle="late", comments="on", registered=at(MONDAY - datetime.timedelta(days=1), 6))


def test_an_account_first_flagged_on_thursday_reaches_the_approver_on_thursday_1_4_3(
    flagged_on_monday_and_thursday, principal
):
    mornings(MONDAY, 7)
    assert escalation_days(principal) == ["2026-11-23", "2026-11-26"]
    thursday = Notification.objects.get(dedupe_key__endswith="2026-11-26", kind="escalation.moderation")
    new, still = thursday.body.split("Still flagged:")
    assert "@late" in new and "@old" not in new and "@old" in still
    assert "(1 new)" in thursday.subject


def test_a_flag_raised_while_the_sweep_was_down_is_told_at_the_next_run(flagged_on_monday_and_thursday, principal):
    thursday = datetime.date(2026, 11, 26)
    with time_machine.travel(at(thursday), tick=False):
        run_sweep("moderation", dry_run=True)  # a dry run is not a run: it told nobody
    mornings(MONDAY, 5, skip={thursday})
    assert escalation_days(principal) == ["2026-11-23", "2026-11-27"]
    friday = Notification.objects.get(dedupe_key__endswith="2026-11-27", kind="escalation.moderation")
    assert "@late" in friday.body.split("Still flagged:")[0]


def test_running_the_sweep_again_the_same_morning_sends_nothing_more(flagged_on_monday_and_thursday, principal):
    mornings(MONDAY, 4)
    with time_machine.travel(at(datetime.date(2026, 11, 26), 9), tick=False):
        run_sweep("moderation")
    assert escalation_days(principal) == ["2026-11-23", "2026-11-26"]


def test_a_review_that_passes_its_grace_period_mid_week_reaches_the_approver_that_morning_1_2_1_3(
    make_entry, teacher, school_a, principal, settings
):
    settings.PORTAL = {**settings.PORTAL, "REVIEW_GRACE_DAYS": 14}
    make_entry(teacher, school_a, handle="stale", comments="off", next_review_due=MONDAY - datetime.timedelta(30))
    # Due on Nov 10: more than 14 days overdue from Wednesday Nov 25.
    make_entry(teacher, school_a, handle="slipping", comments="off", next_review_due=datetime.date(2026, 11, 10))
    mornings(MONDAY, 7, "reviews")
    assert escalation_days(principal, "escalation.review") == ["2026-11-23", "2026-11-25"]
    wednesday = Notification.objects.get(dedupe_key__endswith="2026-11-25", kind="escalation.review")
    new, still = wednesday.body.split("Still overdue:")
    assert "@slipping" in new and "@stale" in still


def test_the_escalation_reads_a_fixed_number_of_queries_whatever_the_number_of_accounts(
    make_entry, teacher, school_a, principal, long_ago
):
    def queries_for(count):
        for n in range(count):
            make_entry(teacher, school_a, comments="on" if n % 2 else "moderated", registered=long_ago)
        with CaptureQueriesContext(connection) as captured:
            run_sweep("moderation", day=MONDAY + datetime.timedelta(days=count))
        return len(captured)

    # Each run tells one owner and one approver; only the number of accounts differs.
    assert queries_for(2) == queries_for(8)
