"""A double click on "Submit for approval" (issue 12): two identical POSTs at the same moment make one
request, and every approver hears of it once (AP 1311 §1.4.6 asks for one decision per request).

The two POSTs run in two threads, each with its own database connection. On PostgreSQL the second
waits on the one-time token's unique index; on SQLite on the database's write lock. SQLite's test
database lives in memory, where two connections cannot wait for each other (a shared-cache table
lock fails at once), so for SQLite the scene is copied to a database file first, as the embedded
mode runs it (`sqlite_file` below).
"""

import sqlite3
import threading
import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from approvals import services
from approvals.models import AccountRequest
from core.once import FIELD_NAME, new_token
from notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_own_connection(tmp_path):
    """`in_own_connection(fn)` runs fn in a new thread with its own database connection and returns
    its result. On SQLite, the first call copies the test database (as the test built it so far) to
    a file, which every such connection then opens."""
    path = tmp_path / "scene.sqlite3" if connection.vendor == "sqlite" else None
    lock = threading.Lock()

    def snapshot():
        with lock:
            if path is not None and not path.exists():
                target = sqlite3.connect(path)
                connection.ensure_connection()
                connection.connection.backup(target)
                target.close()

    def run(fn):
        snapshot()
        result = {}

        def target():
            own = connections["default"]
            if path is not None:
                own.settings_dict = {**own.settings_dict, "NAME": str(path)}
            try:
                result["value"] = fn()
            except BaseException as error:  # re-raised in the test's thread
                result["error"] = error
            finally:
                own.close()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=90)
        if "error" in result:
            raise result["error"]
        return result.get("value")

    return run


def test_two_identical_submissions_at_once_make_one_request_and_one_notice_per_approver(
    teacher, principal, school_a, post_data, in_own_connection, monkeypatch
):
    vice = UserFactory(email="vice@sd.example")
    MembershipFactory(user=vice, org_unit=school_a, role=Membership.Role.APPROVER)
    real_record_event = services.record_event

    def slow_record_event(**kwargs):
        time.sleep(0.3)  # the first submission is still working when its twin arrives
        return real_record_event(**kwargs)

    monkeypatch.setattr(services, "record_event", slow_record_event)
    data = {**post_data, "action": "submit", FIELD_NAME: new_token()}
    client = Client()
    client.force_login(teacher)  # one browser: both POSTs carry the same session
    barrier = threading.Barrier(2)
    answers = []

    def submit():
        barrier.wait()
        response = client.post(reverse("approvals:create"), data)
        answers.append(
            (response.status_code, response["Location"], [str(m) for m in get_messages(response.wsgi_request)])
        )

    in_own_connection(lambda: None)  # the scene is complete: SQLite copies it now
    threads = [threading.Thread(target=in_own_connection, args=(submit,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)

    def counts():
        created = list(AccountRequest.objects.filter(requester=teacher).values_list("pk", "status"))
        notices = sorted(
            Notification.objects.filter(kind="request.submitted").values_list("recipient__email", flat=True)
        )
        return created, notices

    created, notices = in_own_connection(counts)
    assert len(created) == 1 and created[0][1] == AccountRequest.Status.SUBMITTED
    assert notices == ["principal@sd.example", "vice@sd.example"]
    detail = reverse("approvals:detail", args=[created[0][0]])
    assert [(status, location) for status, location, _ in answers] == [(302, detail), (302, detail)]
    assert sorted(msgs[0] for _, _, msgs in answers)[0] == "Already submitted: here is your request."
