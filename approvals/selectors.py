"""Who may see and decide which account requests: the one place that answers it."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import approvers_of, is_approver_of, units_approved_by

from .models import AccountRequest


def requests_visible_to(user) -> QuerySet[AccountRequest]:
    """Own requests, plus non-draft requests of the units the user approves (district admins: all)."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    qs = AccountRequest.objects.select_related("requester", "org_unit", "platform", "decided_by")
    if user.is_district_admin:
        return qs.filter(Q(requester=user) | ~Q(status=AccountRequest.Status.DRAFT))
    return qs.filter(
        Q(requester=user) | (Q(org_unit__in=units_approved_by(user)) & ~Q(status=AccountRequest.Status.DRAFT))
    ).distinct()


def requests_of(user) -> QuerySet[AccountRequest]:
    """The user's own requests, most recently changed first ("my requests")."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    return (
        AccountRequest.objects.select_related("org_unit", "platform", "decided_by")
        .filter(requester=user)
        .order_by("-updated_at", "-id")
    )


def requests_awaiting_decision_by(user) -> QuerySet[AccountRequest]:
    """Submitted requests of the user's units that they may decide (never their own), oldest first."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    return (
        AccountRequest.objects.select_related("requester", "org_unit", "platform")
        .filter(status=AccountRequest.Status.SUBMITTED, org_unit__in=units_approved_by(user))
        .exclude(requester=user)
        .order_by("submitted_at", "id")
    )


def requests_recently_decided_for(user, *, days: int = 30) -> QuerySet[AccountRequest]:
    """Requests of the user's units decided (or sent back for changes) in the last `days` days, newest first."""
    if not user.is_authenticated:
        return AccountRequest.objects.none()
    since = timezone.now() - timedelta(days=days)
    return (
        AccountRequest.objects.select_related("requester", "org_unit", "platform", "decided_by")
        .filter(
            org_unit__in=units_approved_by(user),
            status__in=[*AccountRequest.DECIDED_STATES, AccountRequest.Status.CHANGES_REQUESTED],
            decided_at__gte=since,
        )
        .order_by("-decided_at", "-id")
    )


def is_decider_for(user, account_request: AccountRequest) -> bool:
    """May this user decide requests like this one (whatever its state)? Approver of the unit or
    district admin, and never the requester (AP 1311 §1.4.6)."""
    return (
        user.is_authenticated
        and account_request.requester_id != user.pk
        and is_approver_of(user, account_request.org_unit_id)
    )


def can_decide(user, account_request: AccountRequest) -> bool:
    """Only an approver of the request's unit (or a district admin), never the requester (§1.4.6),
    and only while the request waits for a decision."""
    return account_request.status == AccountRequest.Status.SUBMITTED and is_decider_for(user, account_request)


def deciders_for(account_request: AccountRequest) -> list[User]:
    """Who is told that a request waits for a decision: the unit's active approvers except the
    requester; when nobody else approves for the unit (a principal's own request), the district
    admins decide (§1.4.6)."""
    people = [u for u in approvers_of(account_request.org_unit) if u.pk != account_request.requester_id]
    if people:
        return people
    return list(User.objects.filter(is_district_admin=True, is_active=True).exclude(pk=account_request.requester_id))
