"""The audit trail is append-only in the ORM, the admin and (on PostgreSQL) the database itself."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(teacher, school_a):
    return record_event(actor=teacher, action="test.done", target=school_a, org_unit=school_a, details={"k": "v"})


def test_record_event_stores_actor_target_unit_and_details(event, teacher, school_a):
    assert event.actor == teacher
    assert event.target_repr == str(school_a)
    assert event.target_id == str(school_a.pk)
    assert AuditEvent.objects.for_object(school_a).get() == event


def test_record_event_keeps_the_source_ip_of_the_request(client_for, teacher):
    from audit.middleware import _source_ip

    token = _source_ip.set("203.0.113.9")
    try:
        assert record_event(actor=teacher, action="x").source_ip == "203.0.113.9"
    finally:
        _source_ip.reset(token)


def test_saving_an_existing_event_is_refused(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


def test_admin_is_read_only(client_for, district_admin, event):
    client = client_for(district_admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "tampered"})
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_postgresql_trigger_refuses_raw_update_and_delete(event):
    from django.db.utils import InternalError, ProgrammingError

    for sql in ("UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises((InternalError, ProgrammingError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.done"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_postgresql_refuses_truncate_of_the_audit_table_on_a_normal_connection():
    """A connection as the portal opens it (without the test suite's `audit.allow_truncate`) cannot empty
    the trail; the setting is the only way through, and only for the session that sets it."""
    from psycopg import errors

    raw = connection.get_new_connection(connection.get_connection_params())  # no connection_created hook
    try:
        raw.autocommit = True
        raw.execute("SET lock_timeout = '5s'")
        with pytest.raises(errors.RaiseException, match="append-only: TRUNCATE refused"):
            # CASCADE: other tables (the API's webhook outbox) point at audit events.
            raw.execute("TRUNCATE audit_auditevent CASCADE")
        raw.autocommit = False
        raw.execute("SET LOCAL audit.allow_truncate = 'on'")
        raw.execute("TRUNCATE audit_auditevent CASCADE")  # allowed for this session only, and rolled back
        raw.rollback()
    finally:
        raw.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_the_test_suites_connection_may_truncate_only_because_it_says_so():
    from django.db.utils import ProgrammingError  # what psycopg's RaiseException becomes

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SHOW audit.allow_truncate")
        assert cur.fetchone()[0] == "on"
    with pytest.raises(ProgrammingError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL audit.allow_truncate = 'off'")
        cur.execute("TRUNCATE audit_auditevent CASCADE")
