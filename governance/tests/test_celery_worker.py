"""A real Celery worker (in a thread of this process) consumes from the configured broker:
Redis when REDIS_URL is set, kombu's file-system transport otherwise."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail

from governance.celery import app
from notifications.models import Notification
from notifications.services import create_notification


@pytest.fixture
def empty_queue(transactional_db):
    """The queue without the tasks earlier tests left in it (thousands in a full run): the worker below
    must not spend the test's time on them, nor read the file-system transport's files while they are
    being written (the message is published before the worker starts)."""
    app.control.purge()


def worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10)


def _wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_broker_matches_the_environment():
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
    else:
        assert app.conf.broker_url == "filesystem://localhost//"


def test_notification_email_is_sent_by_a_real_worker(empty_queue, teacher):
    notification = create_notification(
        recipient=teacher, kind="test.roundtrip", subject="Round trip", body="Hello from the worker"
    )
    # notify() queues the e-mail on commit; in a transactional test the commit happened already.
    assert Notification.objects.get(pk=notification.pk).email_status == "pending"
    with worker():
        assert _wait_for(lambda: Notification.objects.get(pk=notification.pk).email_status == "sent"), (
            Notification.objects.get(pk=notification.pk).email_status
        )
    sent = [m for m in mail.outbox if m.subject == "Round trip"]
    assert len(sent) == 1
    assert sent[0].to == [teacher.email]
