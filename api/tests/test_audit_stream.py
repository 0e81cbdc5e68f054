"""The audit stream: every event exactly once across pages, in id order, also while events are being
written and when transactions commit out of order (api/stream.py explains the horizon)."""

import datetime
import json
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.factories import OrgUnitFactory
from api import stream
from audit.models import AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db

STREAM = "/api/v1/audit/events/"


def drain(client, since="", limit=7, **filters) -> tuple[list[int], str]:
    """Poll like a SIEM: follow next_cursor while has_more. Returns the ids read and the last cursor."""
    ids = []
    while True:
        page = client.get(STREAM, {"since": since, "limit": limit, **filters}).json()
        ids += [e["id"] for e in page["events"]]
        since = page["next_cursor"]
        if not page["has_more"]:
            return ids, since


@pytest.fixture
def reader(make_token, api, settings):
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 0}
    _, key = make_token("audit:read")
    return api(key)


def test_pages_return_every_event_once_in_order_and_resume_from_the_cursor(reader, school_a):
    for n in range(20):
        record_event(actor=None, action="test.event", org_unit=school_a, details={"n": n})
    ids, cursor = drain(reader)
    everything = list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert ids == everything and len(set(ids)) == len(ids)
    for n in range(5):
        record_event(actor=None, action="test.later", org_unit=school_a, details={"n": n})
    more, _ = drain(reader, since=cursor)
    assert more == list(AuditEvent.objects.filter(pk__gt=int(cursor)).order_by("pk").values_list("pk", flat=True))
    assert len(more) >= 5 and not set(more) & set(ids)


def test_events_written_between_polls_are_read_exactly_once(reader, school_a):
    seen, cursor = [], ""
    for round_ in range(6):
        for n in range(round_ + 2):
            record_event(actor=None, action="test.event", org_unit=school_a, details={"n": n})
        page = reader.get(STREAM, {"since": cursor, "limit": 3}).json()
        seen += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
    rest, _ = drain(reader, since=cursor)
    seen += rest
    assert seen == list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))


def test_a_unit_scoped_token_streams_only_its_units_events(make_token, api, school_a, school_b, settings):
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 0}
    for unit in (school_a, school_b, None, school_a):
        record_event(actor=None, action="test.event", org_unit=unit)
    _, key = make_token("audit:read", units=[school_a])
    ids, _ = drain(api(key))
    assert ids == list(AuditEvent.objects.filter(org_unit=school_a).order_by("pk").values_list("pk", flat=True))


def test_the_stream_filters_like_the_audit_page(reader, school_a, school_b):
    record_event(actor=None, action="request.approved", org_unit=school_a)
    record_event(actor=None, action="request.rejected", org_unit=school_b)
    ids, _ = drain(reader, action="request.approved")
    assert ids == list(AuditEvent.objects.filter(action="request.approved").values_list("pk", flat=True))
    ids, _ = drain(reader, unit_code=school_b.code)
    assert ids == list(AuditEvent.objects.filter(org_unit=school_b).values_list("pk", flat=True))


def test_json_lines_carry_one_event_per_line_and_the_cursor_in_a_header(reader, school_a):
    for n in range(3):
        record_event(actor=None, action="test.event", org_unit=school_a, details={"n": n})
    by_param = reader.get(STREAM, {"format": "jsonl"})
    by_accept = reader.get(STREAM, HTTP_ACCEPT="application/x-ndjson")
    for response in (by_param, by_accept):
        assert response["Content-Type"].startswith("application/x-ndjson")
        lines = response.content.decode().splitlines()
        events = [json.loads(line) for line in lines]
        assert [e["id"] for e in events] == list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True))
        assert response["X-Next-Cursor"] == events[-1]["cursor"]


def test_a_bad_cursor_or_limit_is_a_400(reader):
    assert reader.get(STREAM, {"since": "abc"}).status_code == 400
    assert reader.get(STREAM, {"since": "9" * 30}).status_code == 400
    assert reader.get(STREAM, {"limit": "0"}).status_code == 400
    assert reader.get(STREAM, {"limit": "5000"}).status_code == 400


# --- the horizon: out-of-order commits -------------------------------------------------------------------
# A transaction still open holds an id that is missing from the table; later ids are visible. These
# tests write events with chosen ids to stand for that, then the late commit.


def _event_with_id(pk: int, *, at: datetime.datetime) -> AuditEvent:
    import time_machine

    with time_machine.travel(at, tick=False):  # created_at is auto_now_add
        event = AuditEvent(pk=pk, action="test.event")
        event.save(force_insert=True)
    return event


def _settled_reader(make_token, api):
    """A token whose own audit events (created, first used) are long settled, so that the scene's
    ids alone decide the horizon (ids of earlier tests' rolled-back rows are old gaps then)."""
    import time_machine

    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1), tick=False):
        _, key = make_token("audit:read")
        client = api(key)
        client.get(STREAM)
    return client


def test_a_young_gap_holds_the_stream_back_until_the_late_event_commits(make_token, api, settings):
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 60}
    client = _settled_reader(make_token, api)
    old = timezone.now() - datetime.timedelta(minutes=10)
    base = (AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    for pk in (base, base + 1):
        _event_with_id(pk, at=old)
    _event_with_id(base + 3, at=timezone.now())  # committed; base + 2 is still in flight
    page = client.get(STREAM, {"since": base - 1}).json()
    assert [e["id"] for e in page["events"]] == [base, base + 1]
    assert page["next_cursor"] == str(base + 1)
    _event_with_id(base + 2, at=timezone.now() - datetime.timedelta(seconds=5))  # the late commit
    page = client.get(STREAM, {"since": page["next_cursor"]}).json()
    assert [e["id"] for e in page["events"]] == [base + 2, base + 3]


def test_an_old_gap_is_taken_as_a_rollback_and_does_not_stop_the_stream(settings):
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 60}
    base = (AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    old = timezone.now() - datetime.timedelta(minutes=5)
    for pk in (base, base + 2, base + 3):  # base + 1 was rolled back minutes ago
        _event_with_id(pk, at=old)
    assert stream.horizon() == base + 3
    _event_with_id(base + 5, at=timezone.now())  # a young gap at base + 4
    assert stream.horizon() == base + 3
    rows, cursor, more = stream.page_after(AuditEvent.objects.all(), since=base - 1, limit=10)
    assert [e.pk for e in rows] == [base, base + 2, base + 3] and cursor == base + 3 and not more


# --- real concurrent transactions (PostgreSQL; SQLite runs one writer at a time) ---------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_while_another_transaction_is_open_its_event_is_not_skipped(make_token, api, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: its ids always commit in order")
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 30}
    unit = OrgUnitFactory()
    client = _settled_reader(make_token, api)
    cursor = drain(client)[1]
    allocated, release = threading.Event(), threading.Event()

    def slow_transaction():
        try:
            with transaction.atomic():
                record_event(actor=None, action="test.slow", org_unit=unit)
                allocated.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=slow_transaction)
    worker.start()
    assert allocated.wait(10)
    for _ in range(3):
        record_event(actor=None, action="test.fast", org_unit=unit)  # committed at once, higher ids
    early, cursor = drain(client, since=cursor)
    release.set()
    worker.join(10)
    late, _ = drain(client, since=cursor)
    slow_id = AuditEvent.objects.get(action="test.slow").pk
    assert early == [], "events after the open transaction's id were served before it committed"
    assert slow_id in late
    assert sorted(early + late) == list(
        AuditEvent.objects.filter(pk__gt=min(early + late) - 1).order_by("pk").values_list("pk", flat=True)
    )
    assert len(set(early + late)) == len(early + late)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_poller_reads_every_event_exactly_once_while_writers_are_busy(make_token, api, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers (PostgreSQL)")
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 2}
    unit = OrgUnitFactory()
    _, key = make_token("audit:read")
    client = api(key)
    _, cursor = drain(client)
    start = int(cursor)
    stop = threading.Event()

    def writer(n):
        try:
            while not stop.is_set():
                with transaction.atomic():
                    record_event(actor=None, action="test.busy", org_unit=unit, details={"writer": n})
                    time.sleep(0.01 * n)
        finally:
            connection.close()

    writers = [threading.Thread(target=writer, args=(n,)) for n in (1, 2, 3)]
    for w in writers:
        w.start()
    seen = []
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        ids, cursor = drain(client, since=cursor, limit=5)
        seen += ids
    stop.set()
    for w in writers:
        w.join(10)
    time.sleep(2.2)  # let the last gaps settle
    ids, _ = drain(client, since=cursor)
    seen += ids
    written = list(AuditEvent.objects.filter(pk__gt=start).order_by("pk").values_list("pk", flat=True))
    assert len(seen) == len(set(seen)), "an event was served twice"
    assert sorted(seen) == written, "an event was missed"
