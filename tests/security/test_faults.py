"""Faults: the broker is down while something happens → the state change commits, the e-mail
waits in the outbox, and it is delivered once the broker is back."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from governance.celery import app
from notifications import tasks
from notifications.models import Notification
from notifications.services import notify

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def _use_broker(url):
    app.conf.broker_url = url
    # Forget the cached pools (kombu keeps one per URL, so nothing needs closing).
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    original = app.conf.broker_url
    _use_broker(CLOSED_PORT_BROKER)
    yield lambda: _use_broker(original)
    _use_broker(original)


def test_broker_down_keeps_the_notification_then_delivers_it_when_back(transactional_db, teacher, broker_down):
    started = time.monotonic()
    with transaction.atomic():
        notification = notify(recipient=teacher, kind="test.fault", subject="Survives outage", body="b")
    # The commit happened and did not hang on the dead broker.
    assert time.monotonic() - started < 15
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []

    broker_down()  # the broker is back
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert tasks.flush_outbox.delay() is not None
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.email_status == Notification.EmailStatus.SENT:
                break
            time.sleep(0.2)
    assert notification.email_status == Notification.EmailStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Survives outage"]
