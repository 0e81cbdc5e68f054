"""The audit stream's cursor: every event exactly once, in id order, even while events are written.

Ids come from one sequence, but transactions commit in any order: event 101 can be visible while
event 100, allocated earlier by a slower transaction, is not committed yet. A reader that moved its
cursor past 100 would never see it. So the stream serves ids only up to a *horizon*: the end of the
run of ids without a gap that could still fill.

A missing id is taken as final (rolled back, never to appear) once the event that follows it is
older than API["AUDIT_SETTLE_SECONDS"]: the missing id was allocated before that event, so its
transaction has been open at least that long. Only young gaps hold the horizon back, so a quiet
stream is served at once and a busy one at most the settle delay late. The limit of the method: an
audit event whose transaction stays open longer than the settle delay (none of the portal's does;
the largest, a 2,000-row registry import, takes seconds) could be skipped; raise the setting if a
deployment has longer ones.

The horizon is computed over every event (not only those the token sees), in three indexed queries
whatever the page size: the first young event, the last one before it, and the ids from there on.
"""

import datetime

from django.conf import settings
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from audit.models import AuditEvent


def settle_seconds() -> int:
    return settings.API["AUDIT_SETTLE_SECONDS"]


def horizon(now: datetime.datetime | None = None) -> int:
    """The largest committed id H with no gap below it that could still fill (0: none yet).

    Below the first young event (created within the settle window) every event is old, so every gap
    there is final. From the last event before it, walk up the ids: a gap followed by an old event is
    final too (clocks of two web servers a little apart); a gap followed by a young event stops the walk.
    """
    now = now or timezone.now()
    window_start = now - datetime.timedelta(seconds=settle_seconds())
    first_young = AuditEvent.objects.filter(created_at__gte=window_start).aggregate(first=Min("pk"))["first"]
    if first_young is None:
        return AuditEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    top = AuditEvent.objects.filter(pk__lt=first_young).aggregate(top=Max("pk"))["top"] or 0
    for pk, created_at in AuditEvent.objects.filter(pk__gt=top).order_by("pk").values_list("pk", "created_at"):
        if pk != top + 1 and created_at >= window_start:
            break
        top = pk
    return top


def page_after(events: QuerySet[AuditEvent], *, since: int, limit: int) -> tuple[list[AuditEvent], int, bool]:
    """Up to `limit` of the reader's `events` with since < id <= horizon, in id order; the cursor to
    pass next time; and whether more are ready now.

    When the page is not full, every visible event up to the horizon is on it, so the cursor moves
    to the horizon itself: a token that sees few events does not rescan the others on every poll.
    """
    top = horizon()
    rows = list(events.filter(pk__gt=since, pk__lte=top).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1].pk if more else max(since, top)
    return rows, next_cursor, more
