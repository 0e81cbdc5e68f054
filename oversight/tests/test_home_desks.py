"""Homes for every role (issue 14): the district admin sees the district at a glance, the communications
manager the open media inquiries (§1.5.1) and recent public accounts; neither repeats the principal's home."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from notifications.models import Notification, SweepRun
from outreach import services as outreach

pytestmark = pytest.mark.django_db


def _inquiry(user, unit, *, hours_to_deadline, outlet="Valley Gazette"):
    return outreach.log_inquiry(
        user=user,
        org_unit=unit,
        received_via="@room12 on Instagram",
        outlet=outlet,
        contact_name="Rita Reporter",
        question="Can we visit the class garden?",
        deadline=timezone.now() + timedelta(hours=hours_to_deadline),
    )


def test_district_admin_home_shows_the_district_at_a_glance(
    client_for, district_admin, teacher, principal, school_a, make_entry
):
    OrgUnit.objects.create(name="Cedar Hill Middle", code="cedar-hill")
    make_entry(teacher, school_a, handle="orphaned", needs_new_owner=True, needs_password_rotation=True)
    Notification.objects.create(
        recipient=teacher, kind="reminder.review", subject="s", body="b", email_status=Notification.EmailStatus.FAILED
    )
    SweepRun.objects.create(name="attestations", for_date=timezone.localdate(), counts={"created": 3})
    response = client_for(district_admin).get(reverse("home"))
    body = response.content.decode()
    glance = response.context["district"]
    assert [u.name for u in glance.units_without_approver] == ["Cedar Hill Middle"]
    assert glance.needs_new_owner == 1 and glance.needs_password_rotation == 1 and glance.failed_emails == 1
    assert 'id="failed-emails-count">1<' in body
    assert reverse("admin:notifications_notification_changelist") + "?email_status__exact=failed" in body
    # Outreach records its runs under another name: the attestation sweep still shows its last run.
    attestations = next(s for s in glance.sweeps if s.name == "attestations")
    assert attestations.last is not None and attestations.summary == "3 messages"
    assert "never ran" in body  # the sweeps that have not run yet say so
    assert reverse("admin:accounts_orgunit_changelist") in body and reverse("admin:index") in body
    # Not the principal's home again: no "For your decision" block of registry cards.
    assert "For your decision" not in body and 'id="needs-new-owner-count"' not in body


def test_communications_manager_home_lists_open_and_overdue_inquiries(client_for, comms, teacher, school_a):
    _inquiry(teacher, school_a, hours_to_deadline=-2, outlet="CKRV Radio")
    _inquiry(teacher, school_a, hours_to_deadline=48, outlet="Valley Gazette")
    response = client_for(comms).get(reverse("home"))
    desk = response.context["comms"]
    assert [i.outlet for i in desk.open_inquiries] == ["CKRV Radio", "Valley Gazette"]  # nearest deadline first
    assert desk.open_count == 2 and desk.waiting_count == 2 and desk.overdue_count == 1
    body = response.content.decode()
    assert 'id="inquiries-overdue-count">1<' in body and "Overdue" in body
    assert "My requests" not in body  # nothing of an employee's home for someone without a unit


def test_communications_manager_home_shows_recent_public_accounts_only(
    client_for, comms, teacher, school_a, make_entry
):
    make_entry(teacher, school_a, handle="public_one", privacy="public")
    make_entry(teacher, school_a, handle="private_one", privacy="private")
    desk = client_for(comms).get(reverse("home")).context["comms"]
    assert [e.handle for e in desk.public_accounts] == ["public_one"]


def test_employee_home_has_neither_desk(client_for, teacher):
    response = client_for(teacher).get(reverse("home"))
    assert response.context["district"] is None and response.context["comms"] is None
