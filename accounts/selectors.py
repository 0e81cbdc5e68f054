"""Who belongs to which unit: the one place the other apps ask about roles."""

from django.db.models import QuerySet

from .models import Membership, OrgUnit, User


def units_employing(user: User) -> QuerySet[OrgUnit]:
    """Units in which the user may request accounts."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(
        is_active=True, memberships__user=user, memberships__role=Membership.Role.EMPLOYEE
    ).distinct()


def units_approved_by(user: User) -> QuerySet[OrgUnit]:
    """Units for which the user is a principal or supervisor (district admins: every unit)."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    if user.is_district_admin:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(memberships__user=user, memberships__role=Membership.Role.APPROVER).distinct()


def is_approver(user: User) -> bool:
    return user.is_authenticated and (
        user.is_district_admin or Membership.objects.filter(user=user, role=Membership.Role.APPROVER).exists()
    )


def is_approver_of(user: User, org_unit_id: int) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_district_admin:
        return True
    return Membership.objects.filter(user=user, org_unit_id=org_unit_id, role=Membership.Role.APPROVER).exists()


def approvers_of(org_unit: OrgUnit) -> QuerySet[User]:
    return org_unit.approvers
