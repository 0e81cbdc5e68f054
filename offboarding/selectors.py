"""Who sees which offboarding case: the approvers of its unit and the district admins (never the person
who left). Outsiders get 404; everyone who sees a case may work on it."""

from django.db.models import Count, Q, QuerySet

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import is_approver_of

from .models import AccessReview, OffboardingCase, ReviewItem


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


def review_items_visible_to(user: User) -> QuerySet[ReviewItem]:
    """Review items of the units the user approves for (district admins: all)."""
    if not (user.is_authenticated and user.is_active):
        return ReviewItem.objects.none()
    items = ReviewItem.objects.select_related("review", "org_unit", "entry__platform", "entry__owner", "answered_by")
    if user.is_district_admin:
        return items
    units = Membership.objects.filter(user=user, role=Membership.Role.APPROVER).values("org_unit_id")
    return items.filter(org_unit_id__in=units)


def reviews_visible_to(user: User) -> QuerySet[AccessReview]:
    return AccessReview.objects.filter(pk__in=review_items_visible_to(user).values("review_id"))


def can_answer(user: User, item: ReviewItem) -> bool:
    return is_approver_of(user, item.org_unit_id)


def review_evidence(unit: OrgUnit) -> QuerySet[ReviewItem]:
    """Answered review items of a unit, newest first: the compliance report's evidence (§1.4.5, §1.2.1.3)."""
    return (
        ReviewItem.objects.filter(org_unit=unit, answered_at__isnull=False)
        .select_related("review", "entry__platform", "answered_by")
        .order_by("-answered_at", "-pk")
    )
