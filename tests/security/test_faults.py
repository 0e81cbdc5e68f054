"""Faults: the broker is down while something happens → the state change commits, the e-mail
waits in the outbox, and it is delivered once the broker is back. Also the two timeouts that let a
message taken by a dead worker go out once (test_worker_killed.py kills a real worker).

Other fault tests: test_worker_killed.py (a worker killed mid-send), test_concurrent_decisions.py (two
approvers at once), test_backup_restore.py (pg_dump/pg_restore); PostgreSQL + Redis only."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from governance.celery import app
from notifications import tasks
from notifications.models import Notification
from notifications.services import create_notification

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
        notification = create_notification(recipient=teacher, kind="test.fault", subject="Survives outage", body="b")
    # The commit happened and did not hang on the dead broker.
    assert time.monotonic() - started < 15
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []

    broker_down()  # the broker is back
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert tasks.flush_outbox.delay() is not None
        deadline = time.monotonic() + 60  # generous: a loaded machine polls the file broker slowly
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            if notification.email_status == Notification.EmailStatus.SENT:
                break
            time.sleep(0.2)
    assert notification.email_status == Notification.EmailStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Survives outage"]


# --- claims and redelivery: the knobs the worker-killed test (test_worker_killed.py) turns -----------------


def test_a_claim_older_than_the_claim_timeout_is_taken_over_and_a_fresh_one_is_not(db, teacher, settings):
    from django.utils import timezone

    from notifications.services import claim_for_sending, pending_email_ids

    claimed = Notification.objects.create(
        recipient=teacher,
        kind="test.claim",
        subject="Claimed by a worker that died",
        body="b",
        email_status=Notification.EmailStatus.SENDING,
        email_claimed_at=timezone.now() - timezone.timedelta(seconds=30),
        email_attempts=1,
    )
    settings.PORTAL = {**settings.PORTAL, "STALE_CLAIM_SECONDS": 600}
    assert claimed.pk not in pending_email_ids() and not claim_for_sending(claimed.pk)
    settings.PORTAL = {**settings.PORTAL, "STALE_CLAIM_SECONDS": 10}
    assert claimed.pk in pending_email_ids() and claim_for_sending(claimed.pk)
    assert not claim_for_sending(claimed.pk)  # now freshly claimed by us: nobody else takes it


def test_visibility_and_claim_timeouts_come_from_the_environment(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.PORTAL['STALE_CLAIM_SECONDS']]))"
    )
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DJANGO_READ_DOT_ENV="false",
        VAR_DIR=str(tmp_path),
        SECRET_KEY="x" * 60,
        REDIS_URL="redis://127.0.0.1:6379/9",
        CELERY_VISIBILITY_TIMEOUT="7",
        STALE_CLAIM_SECONDS="5",
        PYTHONPATH=str(settings.BASE_DIR),
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [7, 5]
    # Unset, they keep their production defaults (one hour; ten minutes).
    assert settings.PORTAL["STALE_CLAIM_SECONDS"] == 600
    if settings.REDIS_URL:
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == 3600
