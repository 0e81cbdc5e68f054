"""The fixture district used by the authorization matrix: two schools, every role, real objects."""

from types import SimpleNamespace

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership
from notifications.services import notify


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
    d.notification_a = notify(recipient=d.employee_a, kind="test", subject="For A", body="b", url="/home/")
    return d
