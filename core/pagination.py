"""Lists that cost the same a thousand pages deep as on the first page.

`keyset_page` pages a newest-first list by its position (a cursor: the time and id of a row) instead
of an OFFSET, which the database would have to walk: page 1,000 reads 50 rows, like page 1.
`capped_count` counts at most `cap` rows ("more than 10,000"), so a list of millions never counts
them all to say how many there are. Lists ordered another way use Django's Paginator.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def cursor_of(obj, time_field: str = "created_at") -> str:
    """An opaque, URL-safe position: microseconds since 1970 (exact, no float) and the row's id."""
    delta = getattr(obj, time_field) - _EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}.{obj.pk}"


def parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    """The (time, id) of a cursor, or None for anything that is not one (hostile input included)."""
    micros, dot, pk = (value or "").partition(".")
    if not (dot and micros.lstrip("-").isdigit() and pk.isdigit() and len(value) <= 40):
        return None
    try:
        return _EPOCH + datetime.timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


@dataclass
class KeysetPage:
    """One page of a newest-first list; templates link `before=next_cursor` and `after=previous_cursor`."""

    object_list: list
    has_next: bool = False
    has_previous: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    count: int = 0
    count_capped: bool = False
    extra: dict = field(default_factory=dict)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


def keyset_page(
    queryset: QuerySet,
    *,
    before: str | None = None,
    after: str | None = None,
    size: int = 50,
    time_field: str = "created_at",
    count_cap: int | None = None,
) -> KeysetPage:
    """The `size` rows older than `before` (or newer than `after`; neither: the newest), newest first,
    ordered by (time, id) descending. An invalid cursor gives the first page.

    The conditions keep the time column as an index bound (`time <= t`), the tie on equal times is
    settled by the id, so an index on (time, id) or on (filter column, time) serves every page."""
    newer = parse_cursor(after) if after and not before else None
    older = parse_cursor(before) if before else None
    if newer:
        at, pk = newer
        rows = list(
            queryset.filter(**{f"{time_field}__gte": at})
            .exclude(**{time_field: at, "pk__lte": pk})
            .order_by(time_field, "pk")[: size + 1]
        )
        more = len(rows) > size
        rows = rows[:size][::-1]
        page = KeysetPage(rows, has_next=True, has_previous=more)
    else:
        qs = queryset
        if older:
            at, pk = older
            qs = qs.filter(**{f"{time_field}__lte": at}).exclude(**{time_field: at, "pk__gte": pk})
        rows = list(qs.order_by(f"-{time_field}", "-pk")[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        page = KeysetPage(rows, has_next=more, has_previous=bool(older))
    if page.object_list:
        page.next_cursor = cursor_of(page.object_list[-1], time_field) if page.has_next else ""
        page.previous_cursor = cursor_of(page.object_list[0], time_field) if page.has_previous else ""
    if count_cap is not None:
        page.count, page.count_capped = capped_count(queryset, count_cap)
    return page


def capped_count(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """(number of rows, True when there are more than `cap`): counts at most cap + 1 rows."""
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap
