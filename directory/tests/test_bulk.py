"""Bulk set-up from CSV and OneRoster 1.2: preview with per-row errors, all or nothing, re-runnable."""

import pytest

from accounts.models import Membership, OrgUnit, User
from audit.models import AuditEvent
from core.errors import NotPermitted
from directory.models import DirectoryImport, ExternalOrg
from directory.services import DirectoryError, bulk

pytestmark = pytest.mark.django_db

UNITS = (
    b"code,name,kind,website_url\n"
    b"hillcrest,Hillcrest Middle,school,https://hillcrest.sd.example\n"
    b"hr,Human Resources,department,\n"
)
STAFF = (
    b"email,first_name,last_name,unit,role,title\n"
    b"ana.lopez@sd.example,Ana,Lopez,hillcrest,employee,Grade 7 teacher\n"
    b"ben.okafor@sd.example,Ben,Okafor,hillcrest,approver,Principal\n"
    b"ben.okafor@sd.example,Ben,Okafor,hillcrest,employee,\n"
    b"cara.wu@sd.example,Cara,Wu,Human Resources,employee,Advisor\n"
)

ORGS = (
    b"sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    b"org-d,,,Sample District,district,SD,\n"
    b"org-1,,,Maple Elementary,school,MAPLE,org-d\n"
)
USERS_12 = (
    b"sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,"
    b"email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,"
    b"preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
    b"u-1,,,true,dlee,,Dana,Lee,,,dana.lee@sd.example,,,,,Sekret-Roster-1,,,,,,org-1,\n"
    b"u-2,,,true,pkim,,Pat,Kim,,,pat.kim@sd.example,,,,,,,,,,,org-1,\n"
    b"u-3,,,true,kid,,Kid,Student,,,kid@sd.example,,,,05,,,,,,,org-1,\n"
    b"u-4,,,false,gone,,Old,Timer,,,old.timer@sd.example,,,,,,,,,,,org-1,\n"
)
ROLES = (
    b"sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\n"
    b"r-1,,,u-1,primary,teacher,,,org-1,\n"
    b"r-2,,,u-2,primary,principal,,,org-1,\n"
    b"r-3,,,u-3,primary,student,,,org-1,\n"
)


def _run(admin, units=UNITS, staff=STAFF, roles=None, *, full=False, offboard=(), names=("units.csv", "staff.csv")):
    batch = bulk.read_upload(
        actor=admin,
        units=(names[0], units) if units else None,
        staff=(names[1], staff) if staff else None,
        roles=("roles.csv", roles) if roles else None,
        full_roster=full,
    )
    return batch, bulk.preview(batch)


def _apply(admin, batch, offboard=()):
    return bulk.apply_import(actor=admin, batch=batch, offboard=list(offboard))


def _roles(email):
    return set(Membership.objects.filter(user__email=email).values_list("org_unit__code", "role"))


def test_the_preview_shows_what_would_be_created_and_saves_nothing(district_admin):
    _, preview = _run(district_admin)
    assert preview.ok
    assert [r["action"] for r in preview.units] == ["create", "create"]
    assert {r["email"]: r["action"] for r in preview.people} == {
        "ana.lopez@sd.example": "create",
        "ben.okafor@sd.example": "create",
        "cara.wu@sd.example": "create",
    }
    assert not OrgUnit.objects.filter(code="hillcrest").exists()
    assert not User.objects.filter(email="ana.lopez@sd.example").exists()


def test_applying_creates_units_staff_and_approver_roles_and_is_audited(district_admin):
    batch, _ = _run(district_admin)
    counts = _apply(district_admin, batch)
    assert counts["units_created"] == 2 and counts["people_created"] == 3
    assert OrgUnit.objects.get(code="hr").kind == OrgUnit.Kind.DEPARTMENT
    assert _roles("ben.okafor@sd.example") == {("hillcrest", "approver"), ("hillcrest", "employee")}
    assert _roles("cara.wu@sd.example") == {("hr", "employee")}
    assert not User.objects.get(email="ana.lopez@sd.example").has_usable_password()
    event = AuditEvent.objects.get(action="directory.import_applied")
    assert event.actor == district_admin and event.details["counts"]["people_created"] == 3


def test_running_the_same_files_again_changes_nothing(district_admin):
    batch, _ = _run(district_admin)
    _apply(district_admin, batch)
    memberships = set(Membership.objects.values_list("pk", flat=True))
    again, preview = _run(district_admin)
    assert {r["action"] for r in preview.units + preview.people} == {"unchanged"}
    counts = _apply(district_admin, again)
    assert counts == {
        "units_created": 0,
        "units_updated": 0,
        "people_created": 0,
        "people_updated": 0,
        "memberships_added": 0,
        "memberships_removed": 0,
        "offboarded": 0,
    }
    assert set(Membership.objects.values_list("pk", flat=True)) == memberships


def test_one_bad_row_blocks_the_whole_import_with_its_line_and_reason(district_admin):
    staff = STAFF + b"dan@gmail.com,Dan,Out,hillcrest,employee,\nerin@sd.example,Erin,Eve,nowhere,boss,\n"
    batch, preview = _run(district_admin, staff=staff)
    assert not preview.ok
    problems = {r["email"]: r["errors"] for r in preview.people if r["errors"]}
    assert "not a district e-mail address (AP 1311 §1.1.1)" in problems["dan@gmail.com"][0]
    assert any("nowhere" in e for e in problems["erin@sd.example"])
    assert any("role 'boss'" in e for e in problems["erin@sd.example"])
    with pytest.raises(DirectoryError):
        _apply(district_admin, batch)
    assert not OrgUnit.objects.filter(code="hillcrest").exists()
    assert not User.objects.filter(email="ana.lopez@sd.example").exists()


def test_a_file_without_its_required_columns_is_refused_before_any_preview(district_admin):
    with pytest.raises(DirectoryError, match="lacks the columns: unit"):
        _run(district_admin, units=None, staff=b"email,first_name\nx@sd.example,X\n")


def test_a_membership_dropped_from_the_staff_file_is_removed_but_one_made_by_hand_stays(district_admin):
    batch, _ = _run(district_admin)
    _apply(district_admin, batch)
    ana = User.objects.get(email="ana.lopez@sd.example")
    by_hand = Membership.objects.create(user=ana, org_unit=OrgUnit.objects.get(code="hr"))
    staff = STAFF.replace(b"ben.okafor@sd.example,Ben,Okafor,hillcrest,approver,Principal\n", b"")
    again, preview = _run(district_admin, staff=staff)
    _apply(district_admin, again)
    assert _roles("ben.okafor@sd.example") == {("hillcrest", "employee")}
    assert Membership.objects.filter(pk=by_hand.pk).exists()


def test_oneroster_orgs_users_and_roles_make_units_staff_and_principals_and_skip_students(district_admin):
    batch, preview = _run(district_admin, units=ORGS, staff=USERS_12, roles=ROLES, names=("orgs.csv", "users.csv"))
    assert preview.ok, [r["errors"] for r in preview.units + preview.people]
    assert preview.skipped == 2  # the student, and the disabled user
    _apply(district_admin, batch)
    maple = ExternalOrg.objects.get(sourced_id="org-1").org_unit
    assert (maple.code, maple.name, maple.kind) == ("maple", "Maple Elementary", OrgUnit.Kind.SCHOOL)
    assert ExternalOrg.objects.get(sourced_id="org-d").org_unit.kind == OrgUnit.Kind.DISTRICT_OFFICE
    assert _roles("dana.lee@sd.example") == {("maple", "employee")}
    assert _roles("pat.kim@sd.example") == {("maple", "approver")}
    assert not User.objects.filter(email__in=["kid@sd.example", "old.timer@sd.example"]).exists()


def test_a_oneroster_password_column_is_never_kept(district_admin):
    batch, _ = _run(district_admin, units=ORGS, staff=USERS_12, roles=ROLES, names=("orgs.csv", "users.csv"))
    assert "Sekret-Roster-1" not in str(DirectoryImport.objects.get(pk=batch.pk).data)
    _apply(district_admin, batch)
    assert not User.objects.get(email="dana.lee@sd.example").has_usable_password()


def test_oneroster_re_import_finds_units_by_sourced_id_even_after_a_rename(district_admin):
    batch, _ = _run(district_admin, units=ORGS, staff=USERS_12, roles=ROLES, names=("orgs.csv", "users.csv"))
    _apply(district_admin, batch)
    renamed = ORGS.replace(b"Maple Elementary", b"Maple Grove Elementary")
    again, preview = _run(district_admin, units=renamed, staff=USERS_12, roles=ROLES, names=("orgs.csv", "users.csv"))
    assert [r["action"] for r in preview.units] == ["unchanged", "update"]
    _apply(district_admin, again)
    assert ExternalOrg.objects.get(sourced_id="org-1").org_unit.name == "Maple Grove Elementary"
    assert OrgUnit.objects.filter(code="maple").count() == 1


def test_oneroster_users_without_roles_are_read_as_staff_of_their_primary_org_with_a_warning(district_admin):
    batch, preview = _run(district_admin, units=ORGS, staff=USERS_12, names=("orgs.csv", "users.csv"))
    assert preview.warnings and "roles.csv" in preview.warnings[0]
    _apply(district_admin, batch)
    assert _roles("pat.kim@sd.example") == {("maple", "employee")}


def test_a_full_roster_lists_absent_staff_and_offboards_only_those_ticked(
    district_admin, teacher, colleague, principal
):
    batch, preview = _run(district_admin, full=True)
    absent = {u.email for u in preview.absent}
    assert {"teacher@sd.example", "colleague@sd.example", "principal@sd.example"} <= absent
    assert "admin@sd.example" not in absent
    _apply(district_admin, batch, offboard=[teacher.pk])
    teacher.refresh_from_db()
    colleague.refresh_from_db()
    assert teacher.is_active is False and colleague.is_active is True
    event = AuditEvent.objects.get(action="directory.user_offboarded")
    assert event.actor == district_admin and event.target_id == str(teacher.pk)


def test_only_absent_people_can_be_offboarded_from_a_preview(district_admin, teacher):
    batch, _ = _run(district_admin, full=False)
    with pytest.raises(DirectoryError):
        _apply(district_admin, batch, offboard=[teacher.pk])
    teacher.refresh_from_db()
    assert teacher.is_active


def test_an_import_is_applied_once_and_only_by_the_admin_who_uploaded_it(district_admin):
    from accounts.factories import UserFactory

    batch, _ = _run(district_admin)
    other_admin = UserFactory(email="admin2@sd.example", is_district_admin=True, is_staff=True)
    with pytest.raises(NotPermitted):
        _apply(other_admin, batch)
    _apply(district_admin, batch)
    with pytest.raises(DirectoryError, match="already applied"):
        _apply(district_admin, batch)


def test_only_district_admins_run_bulk_set_up(principal):
    with pytest.raises(NotPermitted):
        _run(principal)
