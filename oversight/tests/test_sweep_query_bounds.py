"""Each sweep, planning and delivering, runs as many queries for 30 recipients as for 3 (issue 19):
no query per person, per account or per reminder, e-mail publishing included (one task per batch)."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership
from approvals.models import AccountRequest
from catalogue.models import Platform
from notifications.sweeps import district_today, run_sweep

pytestmark = pytest.mark.django_db


class _RollBack(Exception):
    pass


def _measure(name: str, day: date, capture) -> tuple[int, int, int]:
    """(queries, reminders created, e-mail publishes) of one run, rolled back afterwards."""
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries, capture() as callbacks:
                result = run_sweep(name, day=day)
            raise _RollBack
    except _RollBack:
        pass
    return len(queries), result.created, len(callbacks)


def _staff(n, unit):
    for _ in range(n):
        MembershipFactory(user=UserFactory(), org_unit=unit)


def _owners_with_accounts(n, unit, make_entry, **entry_fields):
    for _ in range(n):
        owner = UserFactory()
        MembershipFactory(user=owner, org_unit=unit)
        make_entry(owner, unit, **entry_fields)


def _waiting_requests(n, unit=None):
    platform, _ = Platform.objects.get_or_create(name="Instagram")
    for _ in range(n):
        school = unit or OrgUnitFactory()
        MembershipFactory(user=UserFactory(), org_unit=school, role=Membership.Role.APPROVER)
        requester = UserFactory()
        AccountRequest.objects.create(
            requester=requester,
            org_unit=school,
            platform=platform,
            status=AccountRequest.Status.SUBMITTED,
            title="Class page",
            description="d",
            intended_audience="a",
            account_email=requester.email,
            identification_text="i",
            school_website_url="https://x.sd.example",
            submitted_at=timezone.now() - timedelta(days=10),
        )


@pytest.fixture
def grow_for(make_entry, long_ago):
    """grow_for(sweep)(n): data giving the sweep n more recipients."""

    def builder(name):
        unit = OrgUnitFactory()
        MembershipFactory(user=UserFactory(), org_unit=unit, role=Membership.Role.APPROVER)
        due = district_today() - timedelta(days=60)  # past REVIEW_GRACE_DAYS: the approvers hear too
        return {
            "attestations": lambda n: _staff(n, unit),
            "reviews": lambda n: _owners_with_accounts(n, unit, make_entry, comments="off", next_review_due=due),
            "moderation": lambda n: _owners_with_accounts(n, unit, make_entry, comments="on", registered=long_ago),
            "pending_approvals": lambda n: _waiting_requests(n),
        }[name]

    return builder


@pytest.mark.parametrize("name", ["attestations", "reviews", "moderation", "pending_approvals"])
def test_a_sweep_for_30_recipients_runs_the_queries_of_one_for_3(
    name, grow_for, district_admin, django_capture_on_commit_callbacks
):
    grow = grow_for(name)
    day = district_today()
    grow(3)
    few = _measure(name, day, django_capture_on_commit_callbacks)
    grow(27)
    many = _measure(name, day, django_capture_on_commit_callbacks)
    assert many[1] >= 30 and few[1] >= 3, (few, many)
    assert few[0] == many[0], f"{name}: {few[0]} queries for {few[1]} reminders, {many[0]} for {many[1]}"
    assert few[2] == many[2] == 1  # one publish per batch
