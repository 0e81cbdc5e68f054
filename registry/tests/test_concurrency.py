"""The requester and the principal registering the same approved request at the same moment: one wins.

Only PostgreSQL has real row locks (SELECT ... FOR UPDATE); on SQLite the one-to-one constraint on the
request keeps the same rule (test_register.py, registered only once).
"""

import threading
import time

import pytest
from django.db import connection

from audit.models import AuditEvent
from registry import services
from registry.models import RegistryEntry
from registry.services import lifecycle

from .scenes import register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_registering_the_same_request_twice_at_once_exactly_one_wins(approved_request, teacher, principal, monkeypatch):
    real_record_event = lifecycle.record_event

    def slow_record_event(**kwargs):
        time.sleep(0.3)  # hold the lock while the other transaction waits for it
        return real_record_event(**kwargs)

    monkeypatch.setattr(lifecycle, "record_event", slow_record_event)
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(name, user, handle):
        try:
            barrier.wait()
            register(approved_request, actor=user, handle=handle)
            outcomes[name] = "won"
        except services.RegistryError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("teacher", teacher, "room12news")),
        threading.Thread(target=attempt, args=("principal", principal, "room12_news")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(v == "won" for v in outcomes.values()) == [False, True], outcomes
    assert "already been registered" in next(v for v in outcomes.values() if v != "won")
    entry = RegistryEntry.objects.get(request=approved_request)
    assert AuditEvent.objects.for_object(entry).filter(action="registry.registered").count() == 1
