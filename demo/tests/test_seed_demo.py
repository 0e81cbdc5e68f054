import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import Membership, OrgUnit, User
from approvals.models import AccountRequest
from catalogue.models import Platform

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "is_district_admin", "is_communications_manager")),
        sorted(OrgUnit.objects.values_list("code", "name", "kind")),
        sorted(Membership.objects.values_list("user__email", "org_unit__code", "role")),
        sorted(Platform.objects.values_list("name", "is_approved")),
        sorted(AccountRequest.objects.values_list("title", "status", "requester__email")),
    )


def test_seed_demo_twice_gives_the_same_data():
    call_command("seed_demo", verbosity=0)
    first = _snapshot()
    call_command("seed_demo", verbosity=0)
    assert _snapshot() == first
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL).count() == 3
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).count() == 1
    assert Platform.objects.filter(is_approved=False).exists()


@pytest.mark.parametrize(
    "email",
    [
        "teacher@sd.example",
        "teacher2@sd.example",
        "principal@sd.example",
        "principal2@sd.example",
        "comms@sd.example",
        "admin@sd.example",
    ],
)
def test_every_demo_user_can_sign_in_with_the_demo_password(email):
    call_command("seed_demo", verbosity=0)
    assert authenticate(email=email, password="demo-pass-1311") is not None


def test_demo_roles():
    call_command("seed_demo", verbosity=0)
    principal = User.objects.get(email="principal@sd.example")
    assert principal.memberships.filter(role=Membership.Role.APPROVER, org_unit__code="ridgeview").exists()
    assert User.objects.get(email="comms@sd.example").is_communications_manager
    admin = User.objects.get(email="admin@sd.example")
    assert admin.is_district_admin and admin.is_superuser


def test_demo_principal_has_a_request_waiting_and_the_teacher_one_to_register():
    call_command("seed_demo", verbosity=0)
    statuses = dict(AccountRequest.objects.values_list("title", "status"))
    assert statuses["Ridgeview garden club blog"] == "submitted"
    assert statuses["Room 12 Grade 5 class page"] == "approved"
    assert AccountRequest.objects.get(title="Room 12 Grade 5 class page").acknowledgements.count() == 10
