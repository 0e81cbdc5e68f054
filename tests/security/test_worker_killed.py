"""Faults: a Celery worker killed in the middle of sending an e-mail (security issue §5).

A real `celery worker` process, pointed at the test database and the Redis broker, takes the e-mail
task of one notification and is killed with SIGKILL while the (slow) e-mail backend is sending. Late
acknowledgement (CELERY_TASK_ACKS_LATE) leaves the message unacknowledged in Redis; once the broker's
visibility timeout has passed, a second worker gets it again, finds the first worker's claim on the
notification stale (STALE_CLAIM_SECONDS) and sends it. Exactly one e-mail goes out, and the outbox row
says so.

PostgreSQL and Redis only: the worker is another process, so it needs a database and a broker that
other processes can reach (the SQLite test database lives in this process's memory, and the
file-system broker has no visibility timeout). Short timeouts are given to the workers through the
environment: CELERY_VISIBILITY_TIMEOUT and STALE_CLAIM_SECONDS.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Notification
from notifications.tasks import send_notification_email

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.REDIS_URL,
        reason="PostgreSQL + Redis fault test: a worker subprocess must reach the test database and the broker "
        "(run with DATABASE_URL=postgres://... REDIS_URL=redis://...)",
    ),
]

BASE_DIR = Path(settings.BASE_DIR)
VISIBILITY_TIMEOUT = 4  # seconds before Redis hands an unacknowledged message to another worker
CLAIM_TIMEOUT = 2  # seconds before a notification claimed by a dead worker may be claimed again


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A `celery worker` subprocess (solo pool: the task runs in the process we kill)."""

    def __init__(self, name: str, queue: str, mail_dir: Path, slow_seconds: float):
        self.log_path = mail_dir / f"{name}.log"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=database_url(),
            EMAIL_BACKEND="tests.security.slow_email.SlowEmailBackend",
            SLOW_EMAIL_DIR=str(mail_dir),
            SLOW_EMAIL_SECONDS=str(slow_seconds),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            STALE_CLAIM_SECONDS=str(CLAIM_TIMEOUT),
            DJANGO_READ_DOT_ENV="false",
        )
        env.pop("PYTEST_CURRENT_TEST", None)
        command = [
            sys.executable, "-m", "celery", "-A", "governance", "worker",
            "--pool=solo", "-Q", queue, "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
        ]  # fmt: skip
        self.log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_for(predicate, timeout: float, worker: Worker | None = None, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}" + (f"\n{worker.output()}" if worker else ""))


@pytest.fixture
def queue():
    """A queue of our own, so no other worker of the test run takes the message."""
    from governance.celery import app

    name = f"security-fault-{uuid.uuid4().hex[:8]}"
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete(name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}")


def test_a_worker_killed_mid_send_is_replaced_and_the_email_goes_out_exactly_once(
    transactional_db, teacher, tmp_path, queue
):
    notification = Notification.objects.create(
        recipient=teacher, kind="test.fault", subject="Killed worker test", body="Sent once, not twice."
    )
    sent = lambda: sorted(tmp_path.glob("sent-*.eml"))  # noqa: E731
    started = lambda: sorted(tmp_path.glob("started-*"))  # noqa: E731
    first = Worker("first", queue, tmp_path, slow_seconds=120)
    second = None
    try:
        # What notify() does after commit, on our own queue.
        send_notification_email.apply_async((notification.pk,), queue=queue)
        wait_for(lambda: started(), 90, first, "the first worker to start sending")
        killed_at = time.monotonic()
        first.kill(signal.SIGKILL)

        notification.refresh_from_db()
        assert notification.email_status == Notification.EmailStatus.SENDING  # claimed by the dead worker
        assert notification.email_attempts == 1
        assert sent() == []

        # After the visibility timeout, a new worker restores the unacknowledged message on start.
        time.sleep(max(0.0, killed_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
        second = Worker("second", queue, tmp_path, slow_seconds=0)
        wait_for(
            lambda: Notification.objects.get(pk=notification.pk).email_status == Notification.EmailStatus.SENT,
            90,
            second,
            "the second worker to send the e-mail",
        )
        time.sleep(2)  # room for a duplicate to show up, if there were one
    finally:
        first.kill()
        if second is not None:
            second.kill(signal.SIGTERM)

    emails = sent()
    assert len(emails) == 1, [e.name for e in emails]
    assert b"Killed worker test" in emails[0].read_bytes()
    assert len(started()) == 2  # the killed attempt and the one that went through
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.email_attempts == 2 and notification.email_sent_at is not None
