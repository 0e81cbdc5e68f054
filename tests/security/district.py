"""The fixture district used by the authorization matrix: two schools, every role, real objects."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership
from approvals.factories import AccountRequestFactory
from moderation.links import make_token
from notifications.services import notify
from registry.models import Platform, RegistryEntry


def build_district() -> SimpleNamespace:
    d = SimpleNamespace()
    d.school_a = OrgUnitFactory(name="School A", code="school-a")
    d.school_b = OrgUnitFactory(name="School B", code="school-b")
    d.anonymous = None
    d.employee_a = UserFactory(email="employee.a@sd.example")
    d.employee_b = UserFactory(email="employee.b@sd.example")
    d.co_admin = UserFactory(email="coadmin.a@sd.example")
    d.approver_a = UserFactory(email="approver.a@sd.example")
    d.approver_b = UserFactory(email="approver.b@sd.example")
    d.comms = UserFactory(email="comms@sd.example", is_communications_manager=True)
    d.district_admin = UserFactory(email="admin@sd.example", is_district_admin=True, is_staff=True, is_superuser=True)
    for user, unit, role in [
        (d.employee_a, d.school_a, Membership.Role.EMPLOYEE),
        (d.co_admin, d.school_a, Membership.Role.EMPLOYEE),
        (d.employee_b, d.school_b, Membership.Role.EMPLOYEE),
        (d.approver_a, d.school_a, Membership.Role.APPROVER),
        (d.approver_b, d.school_b, Membership.Role.APPROVER),
    ]:
        MembershipFactory(user=user, org_unit=unit, role=role)
    d.request_a = AccountRequestFactory(requester=d.employee_a, org_unit=d.school_a, submitted=True)
    d.entry_a = RegistryEntry.objects.create(
        platform=Platform.objects.get_or_create(name="Instagram")[0],
        org_unit=d.school_a,
        owner=d.employee_a,
        handle="school_a_class",
        login_username="schoola",
        login_email=d.employee_a.email,
        comment_setting="on",
        next_review_due=datetime.date(2030, 1, 1),
        password="matrix-secret-pw",
    )
    d.entry_a.co_admins.add(d.co_admin)
    d.checkin_token = make_token(entry_id=d.entry_a.pk, user_id=d.employee_a.pk, period_start=timezone.localdate())
    d.notification_a = notify(recipient=d.employee_a, kind="test", subject="For A", body="b", url="/home/")
    return d
