"""Offboarding's reminder sweep (AP 1311 §1.4.5): open cases remind their approvers every day and reach
the district admins once they are OFFBOARDING_ESCALATE_AFTER_DAYS old."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, approvers_by_unit, district_admins, local_midnight, sweep

from .models import OffboardingCase, ReviewItem


@sweep("offboarding")
def plan_offboarding(day: date) -> SweepResult:
    """1. Every open case, with its open items counted, in one query.
    2. Each approver of a case's unit (not the person who left; the district admins when nobody is left)
       gets one message a day listing their open cases (dedupe key: person and day).
    3. Cases open for OFFBOARDING_ESCALATE_AFTER_DAYS days or more go, once a day, to every district admin.
    """
    cases = list(
        OffboardingCase.objects.filter(closed_at__isnull=True)
        .select_related("person", "org_unit")
        .prefetch_related("items")
        .order_by("opened_at", "pk")
    )
    approvers = approvers_by_unit({c.org_unit_id for c in cases})
    admins = district_admins()
    per_person: dict[User, list[OffboardingCase]] = defaultdict(list)
    for case in cases:
        for user in [u for u in approvers.get(case.org_unit_id, []) if u.pk != case.person_id] or admins:
            per_person[user].append(case)
    after = settings.OFFBOARDING_ESCALATE_AFTER_DAYS
    cutoff = local_midnight(day - timedelta(days=after - 1))
    late = [c for c in cases if c.opened_at < cutoff]
    result = SweepResult("offboarding", day, counts={"open_cases": len(cases), "escalated_cases": len(late)})

    def rows(items):
        return [
            (c, sum(1 for i in c.items.all() if i.done_at is None), (day - timezone.localdate(c.opened_at)).days)
            for c in items
        ]

    for user, items in per_person.items():
        result.planned.append(
            Planned.of(
                recipient=user,
                kind="reminder.offboarding",
                context={"cases": rows(items), "count": len(items)},
                url=reverse("offboarding:list"),
                dedupe_key=f"offboarding:{user.pk}:{day.isoformat()}",
            )
        )
    if late:
        for admin in admins:
            result.planned.append(
                Planned.of(
                    recipient=admin,
                    kind="escalation.offboarding",
                    context={"cases": rows(late), "count": len(late), "after": after},
                    url=reverse("offboarding:list"),
                    dedupe_key=f"offboarding_escalation:{admin.pk}:{day.isoformat()}",
                )
            )
    return result


@sweep("access_reviews")
def plan_access_reviews(day: date) -> SweepResult:
    """Access reviews (§1.4.5, §1.2.1.3): unanswered items remind their units' approvers every Monday and
    daily in the last 3 days before the due date; once past due, the district admins hear daily.

    1. Unanswered items of every review, grouped per approver (handover reviews: the new approver).
    2. One reminder per person and day at most (dedupe key: person, day).
    3. Items past their due date: one escalation per district admin and day.
    """
    items = list(
        ReviewItem.objects.filter(answered_at__isnull=True)
        .select_related("review", "org_unit")
        .order_by("review__due_on", "pk")
    )
    approvers = approvers_by_unit({i.org_unit_id for i in items})
    admins = district_admins()
    per_person: dict[User, list[ReviewItem]] = defaultdict(list)
    for item in items:
        if (item.review.due_on - day).days > 3 and day.weekday() != 0:
            continue
        handover = item.review.handover_to
        people = [handover] if handover is not None else approvers.get(item.org_unit_id) or admins
        for user in people:
            per_person[user].append(item)
    late = [i for i in items if i.review.due_on < day]
    result = SweepResult("access_reviews", day, counts={"unanswered": len(items), "overdue": len(late)})
    for user, mine in per_person.items():
        result.planned.append(
            Planned.of(
                recipient=user,
                kind="reminder.access_review",
                context={"items": mine, "count": len(mine)},
                url=reverse("offboarding:review", args=[mine[0].review_id]),
                dedupe_key=f"access_review:{user.pk}:{day.isoformat()}",
            )
        )
    if late:
        for admin in admins:
            result.planned.append(
                Planned.of(
                    recipient=admin,
                    kind="escalation.access_review",
                    context={"items": late, "count": len(late)},
                    url=reverse("offboarding:review", args=[late[0].review_id]),
                    dedupe_key=f"access_review_escalation:{admin.pk}:{day.isoformat()}",
                )
            )
    return result
