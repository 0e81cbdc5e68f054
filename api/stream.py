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
whatever the page size: the events of the last settle window, and the one event just before them.
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

    Every id below the first young event (created within the settle window) belongs to an old event
    or is a final gap. From there on, only the unbroken run of present ids counts.
    """
    now = now or timezone.now()
    window_start = now - datetime.timedelta(seconds=settle_seconds())
    first_young = AuditEvent.objects.filter(created_at__gte=window_start).aggregate(first=Min("pk"))["first"]
    if first_young is None:
        return AuditEvent.objects.aggregate(top=Max("pk"))["top"] or 0
    present = set(AuditEvent.objects.filter(pk__gte=first_young - 1).values_list("pk", flat=True))
    if first_young > 1 and first_young - 1 not in present:
        # A young gap right before the window: serve up to the last event before it.
        return AuditEvent.objects.filter(pk__lt=first_young).aggregate(top=Max("pk"))["top"] or 0
    top = first_young
    while top + 1 in present:
        top += 1
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
