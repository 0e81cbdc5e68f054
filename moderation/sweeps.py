"""Moderation's reminder sweep: comment check-ins due, missed periods, escalations (AP 1311 §1.4.3)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from notifications.sweeps import Planned, SweepResult, plan_escalation, previous_run_day, sweep

from . import periods
from .links import checkin_url
from .models import CheckIn
from .selectors import missed_in_window, monitored_entries
from .services import record_missed_periods


@dataclass(frozen=True)
class MissedInWindow:
    """ "3 of the last 7 weeks missed", written when the message is rendered: in its recipient's language."""

    missed: int
    window: int
    daily: bool

    def __str__(self) -> str:
        if self.daily:
            text = ngettext(
                "%(missed)s of the last %(window)s day missed",
                "%(missed)s of the last %(window)s days missed",
                self.window,
            )
        else:
            text = ngettext(
                "%(missed)s of the last %(window)s week missed",
                "%(missed)s of the last %(window)s weeks missed",
                self.window,
            )
        return text % {"missed": self.missed, "window": self.window}


def registry_link(entries) -> str:
    """The registry list showing the accounts' comment settings (e.g. ?comments=moderated&comments=on)."""
    settings_named = sorted({e.comment_setting for e in entries})
    return reverse("registry:list") + "?" + "&".join(f"comments={value}" for value in settings_named)


@sweep("moderation")
def plan_moderation(day: date) -> SweepResult:
    """Each morning: record missed periods, remind owners of today's check-ins, escalate repeat misses.

    1. Periods that ended without a check-in (within the escalation window) become MissedCheckIn rows.
    2. Owners (not co-admins, to avoid doubles) get one message listing every account due today,
       each with a one-click signed link.
    3. Escalation is counted in each account's own periods: an account is flagged when
       MODERATION_ESCALATE_AFTER_MISSED of its last MODERATION_WINDOW_PERIODS periods were missed
       (days when comments are on, weeks when moderated; with the defaults, 3 of the last 7 days, or
       3 of the last 7 weeks: a window of 7 days could never hold more than one missed week).
    4. Flagged accounts go to the unit's approvers (district admins when the unit has none), through
       notifications.sweeps.plan_escalation: an account flagged now but not at this sweep's previous
       run is new, and reaches the approvers in this morning's message (so by the next morning at the
       latest, whatever the weekday); an approver with nothing new hears once a week, a summary of
       everything still flagged. Never more than one message a day per approver. "Flagged at the
       previous run" is computed again from the missed periods on record, which only ever grow for
       periods that had ended by then, so a run that is repeated, late or after a gap decides alike.
    """
    rules = settings.PORTAL
    window = rules["MODERATION_WINDOW_PERIODS"]
    threshold = rules["MODERATION_ESCALATE_AFTER_MISSED"]
    newly_missed = record_missed_periods(day=day, window_periods=window)

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
                # Lazy: read when the reminder is rendered, in the owner's language.
                "cadence": gettext_lazy("today") if e.comment_setting == "on" else gettext_lazy("this week"),
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

    # Escalation: repeat misses within each account's own window.
    before = previous_run_day("moderation", day)
    counts = missed_in_window(entries, [day] + ([before] if before else []), window)
    flagged = [e for e in entries if counts[day].get(e.pk, 0) >= threshold]
    was_flagged = {pk for pk, n in counts.get(before, {}).items() if n >= threshold}
    result.counts["escalated_accounts"] = len(flagged)
    plan_escalation(
        result,
        flagged,
        day,
        kind="escalation.moderation",
        context={"threshold": threshold, "window": window},
        describe=lambda e: MissedInWindow(counts[day][e.pk], window, e.comment_setting == periods.DAILY),
        url=registry_link,
        is_new=lambda e: e.pk not in was_flagged,
    )
    return result
