import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership, OrgUnit, User
from approvals.models import AccountRequest
from audit.models import AuditEvent
from catalogue.models import Platform
from moderation.models import CheckIn, MissedCheckIn
from notifications.models import Notification, SweepRun
from outreach.models import MediaInquiry, PersonalUseAttestation, SchoolEvent
from registry.models import EnforcementAction, RegistryEntry, SiteReview

pytestmark = pytest.mark.django_db

LOGINS = [
    "teacher@sd.example",
    "teacher2@sd.example",
    "principal@sd.example",
    "principal2@sd.example",
    "comms@sd.example",
    "admin@sd.example",
]


def _counts() -> dict[str, int]:
    """Rows per model of every app of the portal (and the audit trail and outbox with them)."""
    ours = {"accounts", "catalogue", "approvals", "registry", "moderation", "outreach", "audit", "notifications"}
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in ours}


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "is_active", "is_district_admin")),
        sorted(OrgUnit.objects.values_list("code", "name", "kind")),
        sorted(Membership.objects.values_list("user__email", "org_unit__code", "role")),
        sorted(Platform.objects.values_list("name", "is_approved")),
        sorted(AccountRequest.objects.values_list("title", "status", "requester__email")),
        sorted(RegistryEntry.objects.values_list("handle", "status", "needs_new_owner", "next_review_due")),
    )


@pytest.fixture
def seeded():
    # How long it takes is a figure, not a test (the guide: speed targets live in benchmarks/).
    call_command("seed_demo", verbosity=0)


def test_seed_demo_run_twice_leaves_the_same_data_and_adds_no_event_or_notification(seeded):
    counts, snapshot = _counts(), _snapshot()
    events, notifications = AuditEvent.objects.count(), Notification.objects.count()
    call_command("seed_demo", verbosity=0)
    assert _counts() == counts
    assert _snapshot() == snapshot
    assert AuditEvent.objects.count() == events and Notification.objects.count() == notifications


def test_the_demo_district_has_three_schools_a_department_and_an_unapproved_platform(seeded):
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL).count() == 3
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).count() == 1
    assert Platform.objects.filter(is_approved=False).exists()


def test_the_six_demo_logins_sign_in_with_the_demo_password_and_nobody_else_can(seeded):
    for email in LOGINS:
        assert authenticate(email=email, password="demo-pass-1311") is not None, email
    usable = {u.email for u in User.objects.all() if u.has_usable_password()}
    assert usable == set(LOGINS)


def test_demo_roles(seeded):
    principal = User.objects.get(email="principal@sd.example")
    assert principal.memberships.filter(role=Membership.Role.APPROVER, org_unit__code="ridgeview").exists()
    assert User.objects.get(email="comms@sd.example").is_communications_manager
    admin = User.objects.get(email="admin@sd.example")
    assert admin.is_district_admin and admin.is_superuser


def test_demo_principal_has_a_request_waiting_and_the_teacher_one_to_register(seeded):
    statuses = dict(AccountRequest.objects.values_list("title", "status"))
    assert statuses["Ridgeview garden club blog"] == "submitted"
    assert statuses["Room 12 reading blog"] == "approved"
    assert not RegistryEntry.objects.filter(request__title="Room 12 reading blog").exists()
    assert AccountRequest.objects.get(title="Room 12 Grade 5 class page").acknowledgements.count() == 10


def test_the_demo_district_has_a_past_worth_looking_at(seeded):
    today = timezone.localdate()
    live = RegistryEntry.objects.exclude(status=RegistryEntry.Status.REMOVED)
    assert live.count() >= 12
    assert live.values("platform").distinct().count() >= 4
    # Three months of comment check-ins (§1.4.3), some missed.
    oldest = CheckIn.objects.order_by("period_start").first().period_start
    assert (today - oldest).days >= 80
    assert CheckIn.objects.count() > 200 and MissedCheckIn.objects.exists()
    # Reviews done and overdue (§1.2.1.3); a disabled account with its feedback (§1.4.2); a teacher who left.
    assert SiteReview.objects.exists() and live.filter(status="active", next_review_due__lt=today).exists()
    assert EnforcementAction.objects.filter(kind="disable", entry__status="disabled").exists()
    assert live.filter(needs_new_owner=True, needs_password_rotation=True).exists()
    # An open media inquiry (§1.5.1), an upcoming event (§3.1), attestations partly done (§2).
    assert MediaInquiry.objects.filter(status=MediaInquiry.Status.NEW).exists()
    assert SchoolEvent.objects.filter(starts_at__gt=timezone.now()).exists()
    attested = PersonalUseAttestation.objects.count()
    assert 0 < attested < User.objects.filter(memberships__isnull=False).distinct().count()
    # Everything went through the services: the trail tells the story, in the past.
    assert AuditEvent.objects.filter(action="registry.registered").count() >= 11
    assert AuditEvent.objects.filter(created_at__date__lt=today - timezone.timedelta(days=60)).exists()
    assert SweepRun.objects.exists()


def test_without_requests_makes_only_people_units_and_platforms():
    call_command("seed_demo", verbosity=0, without_requests=True)
    assert User.objects.filter(email__in=LOGINS).count() == 6
    assert not AccountRequest.objects.exists() and not RegistryEntry.objects.exists()
    assert not AuditEvent.objects.exists()
