"""The issue's "done when" (issue 15): a teacher leaving the directory results, with nobody remembering to do
anything, in an offboarding case that gets their account a new owner and a new password (§1.4.5)."""

import pytest

from accounts.factories import MembershipFactory
from accounts.models import User
from directory.models import DirectoryConnection
from directory.services import tokens
from directory.tests.conftest import Scim
from offboarding.models import CaseItem, OffboardingCase

pytestmark = pytest.mark.django_db


def test_an_entra_deprovisioning_opens_the_offboarding_case_once_1_4_5(
    client, district_admin, school_a, principal, make_entry
):
    connection = DirectoryConnection.objects.create(name="Entra ID (staff)", provider="entra")
    _, token = tokens.issue_token(actor=district_admin, connection=connection)
    scim = Scim(client, token)
    uid = scim.create_user("leaving.teacher@sd.example").json_body["id"]
    leaver = User.objects.get(email="leaving.teacher@sd.example")
    MembershipFactory(user=leaver, org_unit=school_a)
    entry = make_entry(leaver, school_a, handle="garden_club", password="Old-Secret-1")
    assert scim.patch(f"Users/{uid}", {"op": "Replace", "path": "active", "value": "False"}).status_code in (200, 204)
    # Entra sends the same deprovisioning again: still one case.
    scim.patch(f"Users/{uid}", {"op": "replace", "value": {"active": False}})
    case = OffboardingCase.objects.get()
    assert (case.person, case.org_unit, case.trigger) == (leaver, school_a, "deactivated")
    assert sorted(case.items.values_list("kind", "entry_id")) == sorted(
        [(CaseItem.Kind.NEW_OWNER, entry.pk), (CaseItem.Kind.NEW_PASSWORD, entry.pk)]
    )
