"""Which accounts need a moderation check-in, and who may record one (AP 1311 §1.4.3)."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from registry.models import RegistryEntry
from registry.selectors import entries_of, entries_visible_to, is_owner_or_co_admin

from . import periods
from .models import CheckIn, MissedCheckIn

MONITORED = (RegistryEntry.Comments.ON, RegistryEntry.Comments.MODERATED)


def monitored_entries() -> QuerySet[RegistryEntry]:
    """Active accounts whose comments are on (daily check-in) or moderated (weekly)."""
    return RegistryEntry.objects.filter(status=RegistryEntry.Status.ACTIVE, comment_setting__in=MONITORED)


def can_check_in(user, entry: RegistryEntry) -> bool:
    """The owner or a co-admin of an active account with comments on or moderated."""
    return (
        entry.status == RegistryEntry.Status.ACTIVE
        and entry.comment_setting in MONITORED
        and is_owner_or_co_admin(user, entry)
    )


def entry_for_checkin(user, pk: int) -> RegistryEntry:
    """Fetch through the registry's scoping (outsiders get 404 from the caller's get_object_or_404)."""
    return entries_visible_to(user).get(pk=pk)


def due_for(user, day: date) -> list[tuple[RegistryEntry, date]]:
    """The user's monitored accounts without a check-in for the period containing `day`."""
    entries = list(entries_of(user).filter(status=RegistryEntry.Status.ACTIVE, comment_setting__in=MONITORED))
    wanted = {e.pk: periods.period_start(e.comment_setting, day) for e in entries}
    done = set(
        CheckIn.objects.filter(entry_id__in=wanted, period_start__in=set(wanted.values())).values_list(
            "entry_id", "period_start"
        )
    )
    return [(e, wanted[e.pk]) for e in entries if (e.pk, wanted[e.pk]) not in done]


def missed_in_window(entries: list[RegistryEntry], days: Iterable[date], window: int) -> dict[date, dict[int, int]]:
    """{day: {entry id: missed periods among the entry's last `window` periods before that day}}, for
    monitored entries (monitored_entries()).

    Counted in each account's own periods (AP 1311 §1.4.3): days when comments are on, weeks when
    moderated, and only periods missed under the setting the account has now. One query for all the
    entries and days.
    """
    days = sorted(set(days))
    if not entries or not days:
        return {d: {} for d in days}
    # A subquery, not a list of ids: a district has tens of thousands of monitored accounts.
    missed = set(
        MissedCheckIn.objects.filter(entry__in=monitored_entries().values("pk"))
        .filter(within_window(days[0], window, setting_field="comment_setting"))
        .values_list("entry_id", "period_start", "comment_setting")
    )
    counts: dict[date, dict[int, int]] = {}
    for d in days:
        counts[d] = {}
        for e in entries:
            n = sum(
                (e.pk, start, e.comment_setting) in missed
                for start in periods.last_periods(e.comment_setting, d, window)
            )
            if n:
                counts[d][e.pk] = n
    return counts


def within_window(day: date, window: int, *, setting_field: str) -> Q:
    """Rows (check-ins, missed periods) of the last `window` periods before `day`, or of `day`'s own
    period, each cadence counted in its own periods: days for comments on, weeks for moderated.
    `setting_field` names the comment setting to go by (the row's, or its account's)."""
    weekly_start = periods.period_start(periods.WEEKLY, day)
    return Q(**{setting_field: periods.DAILY, "period_start__gte": day - timedelta(days=window)}) | Q(
        **{setting_field: periods.WEEKLY, "period_start__gte": weekly_start - timedelta(weeks=window)}
    )
