"""The registry's reminder sweep: site reviews due and overdue (AP 1311 §1.2.1.3)."""

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, plan_escalation, previous_run_day, sweep

from .models import RegistryEntry


@sweep("reviews")
def plan_reviews(day: date) -> SweepResult:
    """Owners of accounts due for review get a reminder when due, then weekly while overdue; after
    REVIEW_GRACE_DAYS overdue, the unit's approvers are told and can decommission.

    The approvers hear of an account the morning it passes the grace period (or, after a gap in
    the runs, at the first run after it): it is new when it was not yet past the grace period at
    this sweep's previous run. Otherwise they get one weekly summary of everything still overdue,
    and never more than one message a day (notifications.sweeps.plan_escalation). Whether an
    account was past the grace period at the previous run follows from its due date alone, so a
    repeated or late run decides alike.
    """
    due = list(
        RegistryEntry.objects.filter(status=RegistryEntry.Status.ACTIVE, next_review_due__lte=day)
        .select_related("owner", "platform", "org_unit")
        .order_by("next_review_due")
    )
    year, week, _ = day.isocalendar()
    per_owner: dict[User, list] = defaultdict(list)
    for e in due:
        if e.owner.is_active:
            per_owner[e.owner].append(e)
    result = SweepResult("reviews", day, counts={"due_or_overdue": len(due)})
    for owner, items in per_owner.items():
        result.planned.append(
            Planned.of(
                recipient=owner,
                kind="reminder.review",
                context={
                    "day": day,
                    "items": [
                        {"entry": e, "link": settings.PORTAL_BASE_URL + reverse("registry:detail", args=[e.pk])}
                        for e in items
                    ],
                },
                url=reverse("registry:mine"),
                dedupe_key=f"review:{owner.pk}:{year}-W{week:02d}",
            )
        )
    grace = settings.PORTAL["REVIEW_GRACE_DAYS"]
    flagged = [e for e in due if (day - e.next_review_due).days > grace]
    before = previous_run_day("reviews", day)
    result.counts["escalated_accounts"] = len(flagged)
    plan_escalation(
        result,
        flagged,
        day,
        kind="escalation.review",
        context={"grace": grace},
        describe=lambda e: f"review overdue since {e.next_review_due:%Y-%m-%d}",
        url=reverse("registry:list") + "?overdue=1",
        is_new=lambda e: before is None or (before - e.next_review_due).days <= grace,
    )
    return result
