"""The fixture district used by the security tests: two schools, every role, real objects.

School A: employee_a (owns entry_a, wrote request_a, has an approved request still to register,
logged inquiry_a, organises event_a), co_admin (co-administers entry_a), approver_a (imported
entry_pending naming themselves co-admin: it waits for a second approver, §1.4.6).
School B: employee_b (owns the public entry_b), approver_b. District-wide: comms, district_admin.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership
from approvals.factories import AccountRequestFactory
from catalogue.models import Platform
from moderation.links import make_token
from notifications.services import create_notification
from registry.models import RegistryEntry

ROLES = [
    "anonymous",
    "employee_a",
    "employee_b",
    "co_admin",
    "approver_a",
    "approver_b",
    "comms",
    "district_admin",
]

# Plaintext credentials of the fixture accounts: the secret-leak tests search for them everywhere.
ENTRY_A_PASSWORD = "matrix-secret-pw"
ENTRY_B_PASSWORD = "matrix-secret-pw-b"
# Students on the consent rosters (§1.3.6): the leak tests search for their names too.
STUDENT_A_NAME = "Quillon Matrixkid"
STUDENT_B_NAME = "Runa Otherschool"


def build_district() -> SimpleNamespace:
    from outreach import services as outreach

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
    d.platform = Platform.objects.get_or_create(name="Instagram")[0]
    d.request_a = AccountRequestFactory(requester=d.employee_a, org_unit=d.school_a, submitted=True)
    # Approved by approver_a and not registered yet: what registry:register works on.
    d.request_to_register = AccountRequestFactory(
        requester=d.employee_a, org_unit=d.school_a, approved=True, decided_by=d.approver_a, title="Room 7 news"
    )
    d.entry_a = RegistryEntry.objects.create(
        platform=d.platform,
        org_unit=d.school_a,
        owner=d.employee_a,
        handle="school_a_class",
        login_username="schoola",
        login_email=d.employee_a.email,
        comment_setting="on",
        next_review_due=datetime.date(2030, 1, 1),
        password=ENTRY_A_PASSWORD,
    )
    d.entry_a.co_admins.add(d.co_admin)
    # A public account of school B: the communications manager's read-only view (§1.5.1).
    d.entry_b = RegistryEntry.objects.create(
        platform=d.platform,
        org_unit=d.school_b,
        owner=d.employee_b,
        handle="school_b_news",
        url="https://www.instagram.com/school_b_news/",
        login_username="schoolb",
        login_email=d.employee_b.email,
        privacy=RegistryEntry.Privacy.PUBLIC,
        comment_setting="off",
        next_review_due=datetime.date(2030, 1, 1),
        password=ENTRY_B_PASSWORD,
    )
    # Imported by approver_a, who named themselves co-admin: it waits for a second approver (§1.4.6).
    d.entry_pending = RegistryEntry.objects.create(
        platform=d.platform,
        org_unit=d.school_a,
        owner=d.employee_a,
        handle="school_a_imported",
        login_username="schoolaimported",
        login_email=d.employee_a.email,
        next_review_due=datetime.date(2030, 1, 1),
        status=RegistryEntry.Status.PENDING,
        registered_by=d.approver_a,
        password=ENTRY_A_PASSWORD,
    )
    d.entry_pending.co_admins.add(d.approver_a)
    d.checkin_token = make_token(entry_id=d.entry_a.pk, user_id=d.employee_a.pk, period_start=timezone.localdate())
    d.notification_a = create_notification(recipient=d.employee_a, kind="test", subject="For A", body="b", url="/home/")
    d.inquiry_a = outreach.log_inquiry(
        user=d.employee_a,
        org_unit=d.school_a,
        received_via="@school_a_class on Instagram",
        outlet="Valley Gazette",
        contact_name="Rita Reporter",
        question="May we visit the class garden?",
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    d.event_a = outreach.schedule_event(
        user=d.employee_a,
        org_unit=d.school_a,
        title="Winter concert",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        organiser=d.employee_a,
    )
    _consent_rosters(d)
    # Someone who left school A: an open offboarding case with one item (issue 15).
    from offboarding.models import CaseItem, OffboardingCase

    d.left_a = UserFactory(email="left.a@sd.example", is_active=False)
    d.offboarding_case = OffboardingCase.objects.create(person=d.left_a, org_unit=d.school_a, trigger="deactivated")
    d.offboarding_item = CaseItem.objects.create(
        case=d.offboarding_case, kind=CaseItem.Kind.PENDING_REQUEST, account_request=d.request_a
    )
    # A term access review of school A (issue 15): one account to confirm.
    from offboarding.models import AccessReview, ReviewItem

    review = AccessReview.objects.create(title="Term review", due_on=datetime.date(2030, 1, 1))
    d.review_item = ReviewItem.objects.create(review=review, org_unit=d.school_a, entry=d.entry_a)
    return d


def _consent_rosters(d: SimpleNamespace) -> None:
    """This school year's consent roster of each school, one student each (no photo consent at school A)."""
    from consent import rules, services

    no = {"photo_video": "refused", "name_use": "consented", "work_samples": "not_returned"}
    for unit, approver, name, attribute in [
        (d.school_a, d.approver_a, STUDENT_A_NAME, "student_a"),
        (d.school_b, d.approver_b, STUDENT_B_NAME, "student_b"),
    ]:
        student = services.add_student(
            actor=approver,
            org_unit=unit,
            school_year=rules.current_school_year(),
            school_identifier=f"{unit.code}-0001",
            display_name=name,
            grade="5",
            classes=["5A"],
            answers=no,
        )
        setattr(d, attribute, student)
    d.roster_a, d.roster_b = d.student_a.roster, d.student_b.roster


def user_of(d: SimpleNamespace, role: str):
    return None if role == "anonymous" else getattr(d, role)
