"""Faults: two approvers press "decide" on the same request at the same moment (security issue §5).

approvals/tests/test_concurrency.py proves it for the services; this goes through the decision page:
two browsers (test clients in two threads, each with its own PostgreSQL connection) POST at once.
Exactly one decision is recorded (one audit event, one status change, one notice to the requester);
the other approver is sent back to the request with a clear message instead of a second decision.

PostgreSQL only: SQLite has no row locks (SELECT ... FOR UPDATE) and serialises writers anyway.
"""

import threading
import time

import pytest
from django.contrib.messages import constants, get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from approvals import services
from approvals.factories import AccountRequestFactory
from approvals.models import AccountRequest
from audit.models import AuditEvent
from notifications.models import Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://...)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_approvers_deciding_through_the_page_at_once_exactly_one_wins(teacher, principal, school_a, monkeypatch):
    vice = UserFactory(email="vice@sd.example")
    MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    pending = AccountRequestFactory(requester=teacher, org_unit=school_a, submitted=True)
    real_record_event = services.record_event

    def slow_record_event(**kwargs):
        time.sleep(0.5)  # the winner holds the row lock while the other request waits on it
        return real_record_event(**kwargs)

    monkeypatch.setattr(services, "record_event", slow_record_event)
    clients = {}
    for name, user in (("principal", principal), ("vice", vice)):
        clients[name] = Client()
        clients[name].force_login(user)
    barrier = threading.Barrier(2)
    results = {}

    def decide(name, decision):
        try:
            barrier.wait()
            response = clients[name].post(
                reverse("approvals:decide", args=[pending.pk]), {"decision": decision, "comment": "Decided."}
            )
            results[name] = (response, list(get_messages(response.wsgi_request)))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("principal", "approve")),
        threading.Thread(target=decide, args=("vice", "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert set(results) == {"principal", "vice"}
    won = [n for n, (r, _) in results.items() if r["Location"] == reverse("approvals:queue")]
    lost = [n for n, (r, _) in results.items() if r["Location"] == reverse("approvals:detail", args=[pending.pk])]
    assert len(won) == 1 and len(lost) == 1, {n: r["Location"] for n, (r, _) in results.items()}
    loser_messages = [(m.level, str(m)) for m in results[lost[0]][1]]
    assert any(level == constants.ERROR and "already" in text for level, text in loser_messages), loser_messages

    final = AccountRequest.objects.get(pk=pending.pk)
    assert final.status == (AccountRequest.Status.APPROVED if won == ["principal"] else AccountRequest.Status.REJECTED)
    decisions = AuditEvent.objects.for_object(final).filter(action__in=["request.approved", "request.rejected"])
    assert decisions.count() == 1
    assert (
        Notification.objects.filter(recipient=teacher, kind__in=["request.approved", "request.rejected"]).count() == 1
    )
