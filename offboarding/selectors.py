"""Who sees which offboarding case: the approvers of its unit and the district admins (never the person
who left). Outsiders get 404; everyone who sees a case may work on it."""

from django.db.models import Count, Q, QuerySet

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import is_approver_of

from .models import OffboardingCase


def cases_visible_to(user: User) -> QuerySet[OffboardingCase]:
    if not (user.is_authenticated and user.is_active):
        return OffboardingCase.objects.none()
    cases = OffboardingCase.objects.select_related("person", "org_unit").annotate(
        total=Count("items"), done=Count("items", filter=Q(items__done_at__isnull=False))
    )
    if user.is_district_admin:
        return cases
    units = Membership.objects.filter(user=user, role=Membership.Role.APPROVER).values("org_unit_id")
    return cases.filter(org_unit_id__in=units).exclude(person=user)


def open_cases_visible_to(user: User) -> QuerySet[OffboardingCase]:
    return cases_visible_to(user).filter(closed_at__isnull=True)


def can_work_on(user: User, case: OffboardingCase) -> bool:
    return case.is_open and case.person_id != user.pk and is_approver_of(user, case.org_unit_id)


def responsible_for(unit: OrgUnit, *, exclude: User | None = None) -> list[User]:
    """Who works on a unit's cases: its active approvers (not the person who left), else the district admins."""
    approvers = [u for u in unit.approvers if exclude is None or u.pk != exclude.pk]
    if approvers:
        return approvers
    admins = User.objects.filter(is_active=True, is_district_admin=True)
    return list(admins.exclude(pk=exclude.pk) if exclude is not None else admins)
