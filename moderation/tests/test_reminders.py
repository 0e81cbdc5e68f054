"""Morning sweeps for comment moderation (§1.4.3) and site reviews (§1.2.1.3), with the clock controlled."""

import datetime

import pytest
import time_machine
from django.core import mail

from moderation import services
from moderation.models import MissedCheckIn
from notifications.models import Notification
from notifications.services import deliver_email
from notifications.sweeps import run_sweep

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 11, 27)


def _sent_to(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_owner_gets_one_message_listing_all_due_accounts(make_entry, teacher, school_a, long_ago):
    make_entry(teacher, school_a, handle="daily", registered=long_ago)
    make_entry(teacher, school_a, handle="weekly", comments="moderated", registered=long_ago)
    make_entry(teacher, school_a, handle="quiet", comments="off", registered=long_ago)
    run_sweep("moderation", day=FRIDAY)
    (reminder,) = _sent_to(teacher, "reminder.moderation")
    assert "2 accounts" in reminder.subject
    assert "@daily" in reminder.body and "@weekly" in reminder.body and "@quiet" not in reminder.body
    assert "/moderation/link/" in reminder.body


def test_already_checked_in_accounts_are_not_reminded(make_entry, teacher, school_a, long_ago):
    entry = make_entry(teacher, school_a, registered=long_ago)
    services.record_checkin(user=teacher, entry=entry, day=FRIDAY)
    run_sweep("moderation", day=FRIDAY)
    assert not _sent_to(teacher, "reminder.moderation").exists()


def test_weekly_account_checked_on_monday_is_not_due_on_friday(make_entry, teacher, school_a, long_ago):
    entry = make_entry(teacher, school_a, comments="moderated", registered=long_ago)
    services.record_checkin(user=teacher, entry=entry, day=datetime.date(2026, 11, 23))
    run_sweep("moderation", day=FRIDAY)
    assert not _sent_to(teacher, "reminder.moderation").exists()


def test_sweep_twice_creates_one_reminder_and_one_email(make_entry, teacher, school_a, long_ago):
    make_entry(teacher, school_a, registered=long_ago)
    run_sweep("moderation", day=FRIDAY)
    run_sweep("moderation", day=FRIDAY)
    (reminder,) = _sent_to(teacher, "reminder.moderation")
    deliver_email(reminder.pk)
    deliver_email(reminder.pk)
    assert len(mail.outbox) == 1


def test_repeat_misses_escalate_to_the_units_approvers_listing_owner(
    make_entry, teacher, school_a, principal, principal_b, long_ago
):
    make_entry(teacher, school_a, handle="ignored", registered=long_ago)
    run_sweep("moderation", day=FRIDAY)
    (escalation,) = _sent_to(principal, "escalation.moderation")
    assert "@ignored" in escalation.body and teacher.short_name in escalation.body
    assert not _sent_to(principal_b, "escalation.moderation").exists()
    # Weekly at most: the next morning adds nothing for the same approver.
    run_sweep("moderation", day=FRIDAY + datetime.timedelta(days=1))
    assert _sent_to(principal, "escalation.moderation").count() == 1


def test_no_escalation_below_the_threshold(make_entry, teacher, school_a, principal, settings):
    settings.PORTAL = {**settings.PORTAL, "MODERATION_ESCALATE_AFTER_MISSED": 3}
    registered = datetime.datetime(2026, 11, 24, 12, tzinfo=datetime.UTC)
    make_entry(teacher, school_a, registered=registered)  # only the 25th and 26th can be missed by Friday
    run_sweep("moderation", day=FRIDAY)
    assert MissedCheckIn.objects.count() == 2
    assert not _sent_to(principal, "escalation.moderation").exists()


def test_a_worker_down_for_two_nights_catches_up_once(make_entry, teacher, school_a, long_ago):
    entry = make_entry(teacher, school_a, registered=long_ago)
    run_sweep("moderation", day=datetime.date(2026, 11, 24))
    before = MissedCheckIn.objects.filter(entry=entry).count()
    # No sweep on the 25th and 26th; Friday's late run records both missed days, once.
    run_sweep("moderation", day=FRIDAY)
    run_sweep("moderation", day=FRIDAY)
    days = set(MissedCheckIn.objects.filter(entry=entry).values_list("period_start", flat=True))
    assert {datetime.date(2026, 11, 24), datetime.date(2026, 11, 25), datetime.date(2026, 11, 26)} <= days
    assert MissedCheckIn.objects.filter(entry=entry).count() == before + 3
    assert _sent_to(teacher, "reminder.moderation").count() == 2  # the 24th and Friday, none for missed nights


def test_sweep_run_by_the_task_uses_the_district_day_across_the_dst_change(make_entry, teacher, school_a, long_ago):
    """2026-11-01 01:30 happens twice in Vancouver; the days around it are neither skipped nor doubled."""
    from notifications.tasks import run_sweep as task

    make_entry(teacher, school_a, registered=long_ago)
    # 07:30 local on Oct 31 (PDT, UTC-7), Nov 1 (PST, UTC-8) and Nov 2.
    for utc in ("2026-10-31T14:30", "2026-11-01T15:30", "2026-11-02T15:30", "2026-11-02T16:00"):
        with time_machine.travel(datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC), tick=False):
            task.apply(args=["moderation"]).get()
    keys = sorted(_sent_to(teacher, "reminder.moderation").values_list("dedupe_key", flat=True))
    assert [k.rsplit(":", 1)[1] for k in keys] == ["2026-10-31", "2026-11-01", "2026-11-02"]


def test_inactive_owner_gets_no_reminder(make_entry, teacher, school_a, long_ago):
    make_entry(teacher, school_a, registered=long_ago)
    teacher.is_active = False
    teacher.save()
    run_sweep("moderation", day=FRIDAY)
    assert not Notification.objects.filter(kind="reminder.moderation").exists()


class TestReviews:
    def test_due_review_reminds_owner_once_a_week(self, make_entry, teacher, school_a):
        make_entry(teacher, school_a, handle="stale", comments="off", next_review_due=FRIDAY)
        run_sweep("reviews", day=FRIDAY)
        run_sweep("reviews", day=FRIDAY + datetime.timedelta(days=1))  # Saturday, same ISO week
        (reminder,) = _sent_to(teacher, "reminder.review")
        assert "@stale" in reminder.body and "due today" in reminder.body
        run_sweep("reviews", day=FRIDAY + datetime.timedelta(days=3))  # Monday, next week: overdue
        assert _sent_to(teacher, "reminder.review").count() == 2

    def test_not_yet_due_review_is_quiet(self, make_entry, teacher, school_a):
        make_entry(teacher, school_a, comments="off", next_review_due=FRIDAY + datetime.timedelta(days=1))
        run_sweep("reviews", day=FRIDAY)
        assert not Notification.objects.exists()

    def test_overdue_past_grace_escalates_to_approvers(self, make_entry, teacher, school_a, principal, settings):
        settings.PORTAL = {**settings.PORTAL, "REVIEW_GRACE_DAYS": 14}
        make_entry(teacher, school_a, handle="late", comments="off", next_review_due=FRIDAY - datetime.timedelta(15))
        make_entry(teacher, school_a, handle="recent", comments="off", next_review_due=FRIDAY - datetime.timedelta(3))
        run_sweep("reviews", day=FRIDAY)
        (escalation,) = _sent_to(principal, "escalation.review")
        assert "@late" in escalation.body and "@recent" not in escalation.body
        assert escalation.url == "/registry/?overdue=1"
