"""Trigram search indexes (core/indexes.py): created on PostgreSQL and used by `icontains`; nothing on SQLite."""

import pytest
from django.db import connection

from audit.models import AuditEvent
from registry.models import RegistryEntry

pytestmark = pytest.mark.django_db

INDEXES = {
    "registry_registryentry": "registry_search_trgm",
    "accounts_user": "user_search_trgm",
    "audit_auditevent": "audit_target_search_trgm",
}


def test_the_search_indexes_exist_on_postgresql_only():
    with connection.cursor() as cursor:
        for table, index in INDEXES.items():
            present = index in connection.introspection.get_constraints(cursor, table)
            assert present == (connection.vendor == "postgresql"), (table, index)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
@pytest.mark.parametrize(
    "queryset",
    [
        lambda: RegistryEntry.objects.filter(handle__icontains="room12"),
        lambda: RegistryEntry.objects.filter(login_username__icontains="room12"),
        lambda: AuditEvent.objects.filter(target_repr__icontains="room12"),
    ],
)
def test_a_substring_search_is_answered_by_its_trigram_index(queryset):
    with connection.cursor() as cursor:
        # A tiny test table would be read whole anyway: leave the planner only bitmap index scans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = queryset().order_by().explain()
    assert "_search_trgm" in plan, plan
