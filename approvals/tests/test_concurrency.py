"""Two approvers deciding the same request at the same moment: the row lock makes exactly one win.

Only PostgreSQL has real row locks (SELECT ... FOR UPDATE); on SQLite the conditional UPDATE
protects the same rule (see test_services.py, test_the_state_change_is_conditional_...).
"""

import threading
import time

import pytest
from django.db import connection

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from approvals import services
from approvals.models import AccountRequest
from audit.models import AuditEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_two_approvers_deciding_at_once_exactly_one_wins(principal, school_a, submitted, monkeypatch):
    vice = UserFactory(email="vice@sd.example")
    MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    real_record_event = services.record_event

    def slow_record_event(**kwargs):
        # Hold the lock a moment, so the other approver's transaction is waiting on it.
        time.sleep(0.3)
        return real_record_event(**kwargs)

    monkeypatch.setattr(services, "record_event", slow_record_event)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(name, user, verb):
        try:
            barrier.wait()
            getattr(services, verb)(account_request=submitted.pk, user=user, comment="Decided.")
            outcomes[name] = "won"
        except services.WorkflowError as error:
            outcomes[name] = str(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=("principal", principal, "approve_request")),
        threading.Thread(target=decide, args=("vice", vice, "reject_request")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(v == "won" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "won")
    assert "already" in loser
    final = AccountRequest.objects.get(pk=submitted.pk)
    assert final.status in (AccountRequest.Status.APPROVED, AccountRequest.Status.REJECTED)
    decisions = AuditEvent.objects.for_object(final).filter(action__in=["request.approved", "request.rejected"])
    assert decisions.count() == 1
