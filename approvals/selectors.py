"""Who may see and decide which account requests: the one place that answers it."""

from django.db.models import Q, QuerySet

from accounts.selectors import units_approved_by

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


def can_decide(user, account_request: AccountRequest) -> bool:
    """Only an approver of the request's unit (or a district admin), never the requester (§1.4.6)."""
    from accounts.selectors import is_approver_of

    return (
        account_request.status == AccountRequest.Status.SUBMITTED
        and account_request.requester_id != user.pk
        and is_approver_of(user, account_request.org_unit_id)
    )
