"""Keyset pagination and capped counts (core/pagination.py): deep pages cost what the first does."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from core.pagination import capped_count, cursor_of, keyset_page, parse_cursor

pytestmark = pytest.mark.django_db


def insert_event(action: str, at: datetime.datetime) -> None:
    """An audit event at a chosen time (the model stamps `now`; rows are never updated, so insert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditEvent._meta.db_table} (created_at, action, target_id, target_repr, details)"  # noqa: S608
            " VALUES (%s, %s, '', '', '{}')",
            [connection.ops.adapt_datetimefield_value(at), action],
        )


@pytest.fixture
def events():
    now = timezone.now()
    for i in range(23):
        # Events 5 to 11 share one timestamp: their ids settle their order.
        at = now - datetime.timedelta(days=1) if 5 <= i < 12 else now - datetime.timedelta(minutes=i)
        insert_event(f"test.e{i}", at)
    return list(AuditEvent.objects.order_by("-created_at", "-id"))


def test_older_pages_walk_the_whole_list_once_in_order_even_with_equal_times(events):
    seen, page = [], keyset_page(AuditEvent.objects.all(), size=5)
    assert not page.has_previous
    while True:
        seen += page.object_list
        if not page.has_next:
            break
        page = keyset_page(AuditEvent.objects.all(), before=page.next_cursor, size=5)
        assert page.has_previous
    assert seen == events


def test_newer_pages_walk_back_to_the_first_page(events):
    page = keyset_page(AuditEvent.objects.all(), before=cursor_of(events[14]), size=5)
    assert page.object_list == events[15:20]
    back = keyset_page(AuditEvent.objects.all(), after=page.previous_cursor, size=5)
    assert back.object_list == events[10:15] and back.has_next and back.has_previous
    first = keyset_page(AuditEvent.objects.all(), after=cursor_of(events[5]), size=5)
    assert first.object_list == events[:5] and not first.has_previous


@pytest.mark.parametrize("cursor", ["", "x", "1.", ".1", "1.2.3", "9" * 40 + ".1", "-99999999999999999999.1", "1.-2"])
def test_anything_that_is_not_a_cursor_gives_the_first_page(events, cursor):
    assert parse_cursor(cursor) is None or cursor == "1.-2"
    assert keyset_page(AuditEvent.objects.all(), before=cursor, size=5).object_list == events[:5]


def test_a_capped_count_counts_at_most_the_cap(events):
    assert capped_count(AuditEvent.objects.all(), 10) == (10, True)
    assert capped_count(AuditEvent.objects.all(), 100) == (23, False)
    page = keyset_page(AuditEvent.objects.all(), size=5, count_cap=20)
    assert (page.count, page.count_capped) == (20, True)
