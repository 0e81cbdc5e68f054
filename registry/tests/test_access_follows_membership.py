"""Access follows membership (§1.4.5, issue 11): leaving a unit, losing its approver role and deactivation
each take back, at once, what that gave: co-admin rights on the unit's accounts, the passwords they could
view (flagged "password rotation needed") and ownership (flagged "needs new owner"). One service
(`services.withdraw_access`) does it, called by the receivers in registry/signals.py whatever made the
change (the admin, a shell, a sync)."""

import pytest
from django.urls import reverse

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from audit.models import AuditEvent
from notifications.models import Notification
from registry import selectors, services
from registry.models import RegistryEntry

pytestmark = pytest.mark.django_db


def withdrawn(entry):
    return AuditEvent.objects.for_object(entry).filter(action="registry.access_withdrawn")


def fresh(entry):
    return RegistryEntry.objects.get(pk=entry.pk)


def membership(user, unit, role=Membership.Role.EMPLOYEE):
    return Membership.objects.get(user=user, org_unit=unit, role=role)


@pytest.fixture
def other_entry(make_entry, colleague, school_a):
    """An account of school A that the principal neither owns nor co-administers."""
    return make_entry(colleague, school_a, comments="off", handle="colleague_club")


# --- leaving the unit -----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("registry_alone")
def test_a_co_admin_who_leaves_the_unit_loses_access_and_the_password_is_flagged_1_4_5(
    entry, colleague, school_a, principal
):
    membership(colleague, school_a).delete()
    entry = fresh(entry)
    assert not entry.co_admins.filter(pk=colleague.pk).exists()
    assert entry.needs_password_rotation and not entry.needs_new_owner
    assert not selectors.can_reveal(colleague, entry)
    event = withdrawn(entry).get()
    assert event.actor is None
    assert event.details == {
        "user": colleague.email,
        "trigger": "left_unit",
        "changes": ["co_admin_removed", "needs_password_rotation"],
        "owner": False,
    }
    notice = Notification.objects.get(recipient=principal, kind="registry.access_withdrawn")
    assert f"{colleague.short_name} is no longer staff of {school_a}." in notice.body


def test_an_owner_who_leaves_the_unit_leaves_an_account_needing_a_new_owner_and_password_1_4_5(
    entry, teacher, school_a
):
    membership(teacher, school_a).delete()
    entry = fresh(entry)
    assert entry.needs_new_owner and entry.needs_password_rotation
    assert not selectors.can_reveal(teacher, entry)
    assert withdrawn(entry).get().details["owner"] is True


def test_moving_a_membership_to_another_unit_is_leaving_the_first_1_4_5(entry, colleague, school_a, school_b):
    staff = membership(colleague, school_a)
    staff.org_unit = school_b
    staff.save()
    entry = fresh(entry)
    assert not entry.co_admins.filter(pk=colleague.pk).exists() and entry.needs_password_rotation
    assert withdrawn(entry).get().details["trigger"] == "left_unit"


@pytest.mark.usefixtures("registry_alone")
def test_the_approvers_hear_once_per_unit_with_every_account_listed(
    entry, teacher, school_a, principal, other_entry, colleague
):
    services.add_co_admin(actor=colleague, entry=other_entry, user=teacher)
    membership(teacher, school_a).delete()
    notice = Notification.objects.get(recipient=principal, kind="registry.access_withdrawn")
    assert notice.subject == f"{teacher.short_name} no longer has access to 2 accounts of {school_a}"
    assert str(entry) in notice.body and str(other_entry) in notice.body
    assert notice.url == f"{reverse('registry:list')}?org_unit={school_a.pk}"


@pytest.mark.usefixtures("registry_alone")
def test_without_another_approver_the_district_admins_are_told(entry, school_a, principal, district_admin):
    Membership.objects.filter(user=principal, org_unit=school_a).delete()
    assert Notification.objects.filter(recipient=district_admin, kind="registry.access_withdrawn").exists()
    assert not Notification.objects.filter(recipient=principal, kind="registry.access_withdrawn").exists()


# --- losing the approver role ---------------------------------------------------------------------------------


def test_a_demoted_approver_loses_co_admin_rights_and_every_password_they_could_view_is_flagged_1_4_5(
    entry, other_entry, teacher, principal, school_a
):
    services.add_co_admin(actor=teacher, entry=entry, user=principal)
    membership(principal, school_a, Membership.Role.APPROVER).delete()  # still an employee of the school
    entry, other_entry = fresh(entry), fresh(other_entry)
    assert not entry.co_admins.filter(pk=principal.pk).exists()
    # As approver they could view every password of the unit (§1.4.5): all of them need changing.
    assert entry.needs_password_rotation and other_entry.needs_password_rotation
    assert not (entry.needs_new_owner or other_entry.needs_new_owner)  # still staff: nothing they own is orphaned
    assert not selectors.can_reveal(principal, entry) and not selectors.can_manage(principal, entry)
    assert withdrawn(other_entry).get().details["trigger"] == "lost_approver_role"


def test_changing_an_approvers_role_to_employee_withdraws_the_same(other_entry, school_a):
    vice = UserFactory(email="vice@sd.example")
    approver = MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    approver.role = Membership.Role.EMPLOYEE
    approver.save()
    assert fresh(other_entry).needs_password_rotation
    assert withdrawn(other_entry).get().details == {
        "user": vice.email,
        "trigger": "lost_approver_role",
        "changes": ["needs_password_rotation"],
        "owner": False,
    }


def test_a_demoted_approver_keeps_the_account_they_own_without_a_rotation(make_entry, principal, school_a, other_entry):
    own = make_entry(principal, school_a, comments="off", handle="principal_blog")
    membership(principal, school_a, Membership.Role.APPROVER).delete()
    own = fresh(own)
    assert not own.needs_password_rotation and not own.needs_new_owner
    assert selectors.can_reveal(principal, own)
    assert fresh(other_entry).needs_password_rotation


def test_losing_a_membership_that_gave_nothing_more_changes_nothing(entry, principal, school_a):
    services.add_co_admin(actor=entry.owner, entry=entry, user=principal)
    membership(principal, school_a).delete()  # the employee row: still the school's approver and staff
    entry = fresh(entry)
    assert entry.co_admins.filter(pk=principal.pk).exists() and not entry.needs_password_rotation
    assert not withdrawn(entry).exists()


def test_promoting_an_employee_withdraws_nothing(entry, colleague, school_a):
    staff = membership(colleague, school_a)
    staff.role = Membership.Role.APPROVER
    staff.save()
    assert not fresh(entry).needs_password_rotation and not withdrawn(entry).exists()


# --- deactivation ---------------------------------------------------------------------------------------------


def test_deactivating_an_approver_flags_every_account_of_their_units_1_4_5(entry, other_entry, principal):
    principal.is_active = False
    principal.save()
    assert fresh(entry).needs_password_rotation and fresh(other_entry).needs_password_rotation
    assert withdrawn(entry).get().details["trigger"] == "deactivated"


def test_removed_accounts_are_left_alone(entry, colleague, school_a, principal):
    services.remove_account(actor=principal, entry=entry, reason="Class ended.")
    membership(colleague, school_a).delete()
    entry = fresh(entry)
    assert not entry.needs_password_rotation and not withdrawn(entry).exists()


@pytest.mark.usefixtures("registry_alone")
def test_withdrawing_twice_changes_nothing_more(entry, colleague, school_a, principal):
    membership(colleague, school_a).delete()
    assert services.withdraw_access(user=colleague, org_unit=school_a) == 0
    assert withdrawn(entry).count() == 1
    assert Notification.objects.filter(kind="registry.access_withdrawn").count() == 1


# --- whatever makes the change: the Django admin --------------------------------------------------------------


def test_deleting_a_membership_in_the_admin_withdraws_access_at_once(
    entry, colleague, school_a, client_for, district_admin
):
    staff = membership(colleague, school_a)
    response = client_for(district_admin).post(
        reverse("admin:accounts_membership_delete", args=[staff.pk]), {"post": "yes"}
    )
    assert response.status_code == 302 and not Membership.objects.filter(pk=staff.pk).exists()
    assert not fresh(entry).co_admins.filter(pk=colleague.pk).exists() and fresh(entry).needs_password_rotation
    assert AuditEvent.objects.filter(action="admin.deleted").exists()  # the admin's own trail


def test_demoting_an_approver_in_the_admin_withdraws_access_at_once(other_entry, school_a, client_for, district_admin):
    vice = UserFactory(email="vice@sd.example")
    approver = MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    response = client_for(district_admin).post(
        reverse("admin:accounts_membership_change", args=[approver.pk]),
        {"user": vice.pk, "org_unit": school_a.pk, "role": Membership.Role.EMPLOYEE, "title": ""},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert fresh(other_entry).needs_password_rotation
    assert withdrawn(other_entry).get().details["trigger"] == "lost_approver_role"
