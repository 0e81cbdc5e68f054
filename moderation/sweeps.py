"""Moderation's reminder sweep: comment check-ins due, missed periods, escalations (AP 1311 §1.4.3)."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, plan_escalation, sweep

from . import periods
from .links import checkin_url
from .models import CheckIn, MissedCheckIn
from .selectors import monitored_entries
from .services import record_missed_periods


@sweep("moderation")
def plan_moderation(day: date) -> SweepResult:
    """Each morning: record missed periods, remind owners of today's check-ins, escalate repeat misses.

    1. Periods that ended without a check-in (within the escalation window) become MissedCheckIn rows.
    2. Owners (not co-admins, to avoid doubles) get one message listing every account due today,
       each with a one-click signed link.
    3. Accounts with MODERATION_ESCALATE_AFTER_MISSED or more missed periods in the window go to the
       unit's approvers (district admins when the unit has none), at most once a week per approver.
    """
    rules = settings.PORTAL
    window = rules["MODERATION_WINDOW_DAYS"]
    newly_missed = record_missed_periods(day=day, lookback_days=window)

    entries = list(monitored_entries().select_related("owner", "platform", "org_unit"))
    starts = {e.pk: periods.period_start(e.comment_setting, day) for e in entries}
    done = set(
        CheckIn.objects.filter(
            entry__in=monitored_entries().values("pk"), period_start__gte=day - timedelta(days=7)
        ).values_list("entry_id", "period_start")
    )
    due: dict[User, list] = defaultdict(list)
    for e in entries:
        if (e.pk, starts[e.pk]) not in done and e.owner.is_active:
            due[e.owner].append(e)

    result = SweepResult("moderation", day, counts={"monitored": len(entries), "newly_missed": newly_missed})
    for owner, owned in due.items():
        items = [
            {
                "entry": e,
                "cadence": "today" if e.comment_setting == "on" else "this week",
                "link": settings.PORTAL_BASE_URL
                + checkin_url(entry_id=e.pk, user_id=owner.pk, period_start=starts[e.pk]),
            }
            for e in owned
        ]
        result.planned.append(
            Planned.of(
                recipient=owner,
                kind="reminder.moderation",
                context={"items": items, "count": len(items)},
                url=reverse("home"),
                dedupe_key=f"moderation:{owner.pk}:{day.isoformat()}",
            )
        )

    # Escalation: repeat misses within the window.
    threshold = rules["MODERATION_ESCALATE_AFTER_MISSED"]
    counts: dict[int, int] = defaultdict(int)
    for entry_id in MissedCheckIn.objects.filter(
        entry__in=monitored_entries().values("pk"), period_start__gte=day - timedelta(days=window)
    ).values_list("entry_id", flat=True):
        counts[entry_id] += 1
    flagged = [e for e in entries if counts.get(e.pk, 0) >= threshold]
    result.counts["escalated_accounts"] = len(flagged)
    plan_escalation(
        result,
        flagged,
        day,
        kind="escalation.moderation",
        context={"threshold": threshold, "window": window},
        describe=lambda e: f"{counts[e.pk]} missed",
        url=reverse("registry:list") + "?comments=on",
    )
    return result
