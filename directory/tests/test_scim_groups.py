"""SCIM Groups: a directory group maps to a unit's staff or approvers; membership follows the group."""

import pytest
from django.db.models.signals import post_delete, post_save

from accounts.models import Membership, User
from audit.models import AuditEvent
from directory.models import DirectoryGroup, GroupMapping, ManagedMembership
from directory.services import provisioning

pytestmark = pytest.mark.django_db


@pytest.fixture
def nora(scim):
    return scim.create_user().json_body["id"]


@pytest.fixture
def staff_group(scim, school_a, nora, district_admin):
    """'Ridgeview staff' with Nora in it, mapped (in the admin) to the staff of school A."""
    group = DirectoryGroup.objects.get(scim_id=scim.create_group(members=[nora]).json_body["id"])
    GroupMapping.objects.create(group=group, org_unit=school_a, role=Membership.Role.EMPLOYEE, title="Teacher")
    provisioning.apply_group_mappings(actor=district_admin, group=group)
    return group


def _roles(email):
    return set(Membership.objects.filter(user__email=email).values_list("org_unit__code", "role"))


def test_creating_a_group_with_members_of_a_mapped_group_gives_their_memberships(scim, school_a, nora, district_admin):
    gid = scim.create_group("Ridgeview principals").json_body["id"]
    group = DirectoryGroup.objects.get(scim_id=gid)
    GroupMapping.objects.create(group=group, org_unit=school_a, role=Membership.Role.APPROVER)
    scim.patch(f"Groups/{gid}", {"op": "Add", "path": "members", "value": [{"value": nora}]})
    assert _roles("new.teacher@sd.example") == {("ridgeview", "approver")}
    event = AuditEvent.objects.filter(action="directory.group_updated").latest("pk")
    assert event.actor is None and event.details["joined"] == ["new.teacher@sd.example"]
    assert event.details["memberships_added"] == [
        "new.teacher@sd.example: Principal / supervisor (approver) of Ridgeview Elementary"
    ]


def test_mapping_a_group_in_the_admin_gives_its_members_their_memberships(scim, school_a, nora, district_admin):
    gid = scim.create_group(members=[nora]).json_body["id"]
    group = DirectoryGroup.objects.get(scim_id=gid)
    assert _roles("new.teacher@sd.example") == set()
    GroupMapping.objects.create(group=group, org_unit=school_a, role=Membership.Role.EMPLOYEE)
    provisioning.apply_group_mappings(actor=district_admin, group=group)
    assert _roles("new.teacher@sd.example") == {("ridgeview", "employee")}
    assert AuditEvent.objects.get(action="directory.mappings_applied").actor == district_admin


def test_entra_removes_a_member_with_a_value_filter_and_the_membership_ends(scim, staff_group, nora, district_admin):
    provisioning.apply_group_mappings(actor=district_admin, group=staff_group)
    assert _roles("new.teacher@sd.example") == {("ridgeview", "employee")}
    response = scim.patch(f"Groups/{staff_group.scim_id}", {"op": "Remove", "path": f'members[value eq "{nora}"]'})
    assert response.status_code in (200, 204)
    assert _roles("new.teacher@sd.example") == set()
    assert AuditEvent.objects.filter(action="directory.group_updated").latest("pk").details["left"] == [
        "new.teacher@sd.example"
    ]


def test_membership_changes_are_ordinary_saves_and_deletes_so_receivers_fire(scim, staff_group, nora, district_admin):
    # Access follows membership (another part of issue 15) listens to these signals.
    seen = []

    def saved(sender, instance, created, **kwargs):
        seen.append(("saved", sender.__name__, created))

    def deleted(sender, instance, **kwargs):
        seen.append(("deleted", sender.__name__))

    post_save.connect(saved, sender=Membership, weak=False)
    post_save.connect(saved, sender=User, weak=False)
    post_delete.connect(deleted, sender=Membership, weak=False)
    try:
        scim.patch(f"Groups/{staff_group.scim_id}", {"op": "replace", "path": "members", "value": []})
        scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": nora}]})
        scim.patch(f"Users/{nora}", {"op": "replace", "path": "active", "value": "False"})
    finally:
        post_save.disconnect(saved, sender=Membership)
        post_save.disconnect(saved, sender=User)
        post_delete.disconnect(deleted, sender=Membership)
    assert ("saved", "Membership", True) in seen
    assert ("deleted", "Membership") in seen
    assert ("saved", "User", False) in seen


def test_a_membership_made_by_hand_is_not_removed_by_the_directory(scim, school_a, staff_group, nora, teacher):
    # The teacher was a member of school A before the directory; adopt them into the group and out again.
    teacher_id = scim.create_user(teacher.email, externalId="t").json_body["id"]
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": teacher_id}]})
    assert not ManagedMembership.objects.filter(membership__user=teacher, connection=None).exists()
    # The directory asked for a membership the teacher already had: it takes it over, and may remove it.
    assert ManagedMembership.objects.filter(membership__user=teacher).exists()
    other = Membership.objects.create(user=teacher, org_unit=school_a, role=Membership.Role.APPROVER)
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "remove", "path": f'members[value eq "{teacher_id}"]'})
    assert Membership.objects.filter(pk=other.pk).exists()


def test_two_groups_giving_the_same_membership_keep_it_until_both_are_left(scim, school_a, staff_group, nora):
    second = DirectoryGroup.objects.get(scim_id=scim.create_group("All Ridgeview", members=[nora]).json_body["id"])
    GroupMapping.objects.create(group=second, org_unit=school_a, role=Membership.Role.EMPLOYEE)
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": nora}]})
    assert _roles("new.teacher@sd.example") == {("ridgeview", "employee")}
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "remove", "path": f'members[value eq "{nora}"]'})
    # Still given by "All Ridgeview" (its mapping is applied on the next change of that group or mapping).
    provisioning.apply_group_mappings(actor=User.objects.get(email="admin@sd.example"), group=second)
    assert _roles("new.teacher@sd.example") == {("ridgeview", "employee")}


def test_deleting_a_group_removes_the_memberships_it_gave(scim, staff_group, nora):
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": nora}]})
    assert _roles("new.teacher@sd.example") == {("ridgeview", "employee")}
    assert scim("DELETE", f"Groups/{staff_group.scim_id}").status_code == 204
    assert _roles("new.teacher@sd.example") == set()
    assert AuditEvent.objects.filter(action="directory.group_deleted").exists()


def test_deprovisioning_a_user_by_delete_ends_the_memberships_the_directory_gave(scim, staff_group, nora):
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": nora}]})
    scim("DELETE", f"Users/{nora}")
    assert _roles("new.teacher@sd.example") == set()
    assert not User.objects.get(email="new.teacher@sd.example").is_active


def test_groups_filter_by_display_name_and_list_their_members(scim, staff_group, nora):
    scim.patch(f"Groups/{staff_group.scim_id}", {"op": "add", "path": "members", "value": [{"value": nora}]})
    found = scim("GET", 'Groups?filter=displayName eq "Ridgeview staff"').json_body
    assert found["totalResults"] == 1
    assert [m["value"] for m in found["Resources"][0]["members"]] == [nora]
    user = scim("GET", f"Users/{nora}").json_body
    assert [g["display"] for g in user["groups"]] == ["Ridgeview staff"]


def test_a_member_who_is_not_a_user_of_the_connection_is_refused(scim, staff_group):
    response = scim.patch(
        f"Groups/{staff_group.scim_id}",
        {"op": "add", "path": "members", "value": [{"value": "00000000-0000-0000-0000-000000000000"}]},
    )
    assert response.status_code == 400
    assert response.json_body["scimType"] == "invalidValue"


def test_a_group_name_used_twice_is_a_conflict(scim, staff_group):
    assert scim.create_group("ridgeview STAFF").status_code == 409
