"""Approvals' reminder sweep: requests waiting too long for a decision (AP 1311 §1.4.6)."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, approvers_by_unit, district_admins, local_midnight, sweep

from .models import AccountRequest


@sweep("pending_approvals")
def plan_pending_approvals(day: date) -> SweepResult:
    """Approvers of requests waiting longer than PENDING_APPROVAL_REMINDER_DAYS get one daily digest.

    A request nobody else can decide (the principal's own) goes to the district admins (§1.4.6).
    """
    days = settings.PORTAL["PENDING_APPROVAL_REMINDER_DAYS"]
    cutoff = local_midnight(day - timedelta(days=days - 1)) if days > 0 else timezone.now()
    waiting = list(
        AccountRequest.objects.filter(status=AccountRequest.Status.SUBMITTED, submitted_at__lt=cutoff)
        .select_related("org_unit", "requester", "platform")
        .order_by("submitted_at")
    )
    approvers = approvers_by_unit({r.org_unit_id for r in waiting})
    admins = district_admins()
    per_person: dict[User, list] = defaultdict(list)
    for r in waiting:
        deciders = [u for u in approvers.get(r.org_unit_id, []) if u.pk != r.requester_id]
        for user in deciders or [a for a in admins if a.pk != r.requester_id]:
            per_person[user].append(r)

    result = SweepResult("pending_approvals", day, counts={"waiting_requests": len(waiting)})
    for user, requests in per_person.items():
        result.planned.append(
            Planned.of(
                recipient=user,
                kind="reminder.pending_approvals",
                context={
                    "requests": [(r, (day - timezone.localdate(r.submitted_at)).days) for r in requests],
                    "count": len(requests),
                },
                url=reverse("approvals:queue"),
                dedupe_key=f"pending_approvals:{user.pk}:{day.isoformat()}",
            )
        )
    return result
