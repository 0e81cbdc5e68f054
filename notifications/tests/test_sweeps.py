"""Reminder sweeps: grouping, idempotency, dry-run, district-local days (§1.4.6 digest)."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from accounts.factories import MembershipFactory
from accounts.models import Membership
from approvals.models import AccountRequest
from catalogue.models import Platform
from notifications.models import Notification, SweepRun
from notifications.sweeps import district_today, local_midnight, run_sweep

pytestmark = pytest.mark.django_db
VANCOUVER = ZoneInfo("America/Vancouver")


def _submitted(requester, unit, submitted_at, title="Class page"):
    platform, _ = Platform.objects.get_or_create(name="Instagram")
    return AccountRequest.objects.create(
        requester=requester,
        org_unit=unit,
        platform=platform,
        status=AccountRequest.Status.SUBMITTED,
        title=title,
        description="d",
        intended_audience="a",
        account_email=requester.email,
        identification_text="i",
        school_website_url="https://x.sd.example",
        submitted_at=submitted_at,
    )


@pytest.fixture
def old_requests(teacher, colleague, teacher_b, school_a, school_b):
    long_ago = datetime(2026, 11, 20, 10, tzinfo=VANCOUVER)
    return [
        _submitted(teacher, school_a, long_ago, "Garden blog"),
        _submitted(colleague, school_a, long_ago, "Band page"),
        _submitted(teacher_b, school_b, long_ago, "Robotics page"),
        _submitted(teacher, school_a, datetime(2026, 11, 27, 10, tzinfo=VANCOUVER), "Too recent"),
    ]


def test_one_digest_per_approver_listing_all_their_waiting_requests_per_1_4_6(old_requests, principal, principal_b):
    result = run_sweep("pending_approvals", day=date(2026, 11, 28))
    assert result.created == 2
    digest = Notification.objects.get(recipient=principal)
    assert "2 account requests waiting" in digest.subject
    assert "Garden blog" in digest.body and "Band page" in digest.body
    assert "Too recent" not in digest.body and "Robotics" not in digest.body
    assert "Robotics page" in Notification.objects.get(recipient=principal_b).body


def test_running_the_sweep_twice_sends_nothing_more(old_requests, principal, principal_b):
    run_sweep("pending_approvals", day=date(2026, 11, 28))
    second = run_sweep("pending_approvals", day=date(2026, 11, 28))
    assert second.created == 0
    assert Notification.objects.count() == 2
    assert SweepRun.objects.filter(name="pending_approvals").count() == 2


def test_next_day_reminds_again(old_requests, principal, principal_b):
    run_sweep("pending_approvals", day=date(2026, 11, 28))
    assert run_sweep("pending_approvals", day=date(2026, 11, 29)).created == 2


def test_request_of_the_only_approver_goes_to_district_admins(principal, school_a, district_admin):
    _submitted(principal, school_a, datetime(2026, 11, 1, tzinfo=VANCOUVER), "Principal's page")
    run_sweep("pending_approvals", day=date(2026, 11, 28))
    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [district_admin.email]


def test_dry_run_creates_nothing_and_lists_recipients(old_requests, principal, principal_b):
    out = StringIO()
    call_command("run_sweep", "pending_approvals", "--dry-run", "--date", "2026-11-28", stdout=out)
    assert not Notification.objects.exists()
    assert "would send: principal@sd.example" in out.getvalue()
    assert SweepRun.objects.get().dry_run is True


def test_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("run_sweep", "pending_approvals", "--date", "28/11/2026")


def test_today_follows_the_district_time_zone_not_utc():
    # 02:30 UTC on the 29th is still the evening of the 28th in Vancouver.
    with time_machine.travel(datetime(2026, 11, 29, 2, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        assert district_today() == date(2026, 11, 28)


def test_local_midnight_is_correct_across_the_dst_change():
    # 2026-11-01: clocks go back in Vancouver; the day is 25 hours long.
    utc = ZoneInfo("UTC")
    start, end = local_midnight(date(2026, 11, 1)).astimezone(utc), local_midnight(date(2026, 11, 2)).astimezone(utc)
    assert (end - start).total_seconds() == 25 * 3600
    assert local_midnight(date(2026, 11, 2)).utcoffset().total_seconds() == -8 * 3600


def test_digest_approver_who_left_is_skipped(old_requests, principal, principal_b, school_a):
    principal.is_active = False
    principal.save()
    other = MembershipFactory(org_unit=school_a, role=Membership.Role.APPROVER).user
    run_sweep("pending_approvals", day=date(2026, 11, 28))
    assert not Notification.objects.filter(recipient=principal).exists()
    assert Notification.objects.filter(recipient=other).exists()


def test_the_command_no_longer_says_sent_for_reminders_already_sent(old_requests, principal, principal_b):
    call_command("run_sweep", "pending_approvals", "--date", "2026-11-28", stdout=StringIO())
    out = StringIO()
    call_command("run_sweep", "pending_approvals", "--date", "2026-11-28", stdout=out)
    text = out.getvalue()
    assert "2 planned: 0 new, 2 already sent, 0 skipped" in text
    assert "sent: principal" not in text and "already sent (notification " in text
