"""The registry's sweeps: site reviews due and overdue (AP 1311 §1.2.1.3); co-admin access that ends (§1.4.5)."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, plan_escalation, previous_run_day, sweep

from .models import CoAdminTerm, RegistryEntry
from .services import end_co_admin_terms

# Co-admin terms warn this many days before they end (issue 15).
WARN_DAYS_BEFORE = (7, 1)


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
    year, week, _weekday = day.isocalendar()
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
        # Lazy: each approver reads it in their own language (render_notification overrides it).
        describe=lambda e: format_lazy(_("review overdue since {day}"), day=f"{e.next_review_due:%Y-%m-%d}"),
        url=reverse("registry:list") + "?overdue=1",
        is_new=lambda e: before is None or (before - e.next_review_due).days <= grace,
    )
    return result


@sweep("co_admin_terms")
def plan_co_admin_terms(day: date) -> SweepResult:
    """Co-admin access that ends (issue 15, §1.4.5).

    1. Terms ending on or before `day` are ended now (`services.end_co_admin_terms`: access removed, the
       password flagged for rotation, the co-admin and the owner told).
    2. Terms ending in exactly 7 days or 1 day warn the co-admin and the owner, once per term and lead
       (dedupe key: term, lead), so a repeated run sends nothing new.
    """
    ended = end_co_admin_terms(day=day)
    result = SweepResult("co_admin_terms", day, counts={"ended": ended})
    soon = CoAdminTerm.objects.filter(
        ended_at__isnull=True, ends_on__in=[day + timedelta(days=n) for n in WARN_DAYS_BEFORE]
    ).select_related("entry__owner", "entry__platform", "user")
    for term in soon:
        days = (term.ends_on - day).days
        for recipient, to_owner in ((term.user, False), (term.entry.owner, True)):
            result.planned.append(
                Planned.of(
                    recipient=recipient,
                    kind="reminder.co_admin_term",
                    context={"term": term, "days": days, "to_owner": to_owner},
                    url=reverse("registry:detail", args=[term.entry_id]),
                    dedupe_key=f"co_admin_term:{term.pk}:{days}:{'owner' if to_owner else 'co_admin'}",
                )
            )
    return result
