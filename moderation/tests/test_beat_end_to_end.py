"""End to end: celery beat (django-celery-beat's database scheduler) fires the moderation sweep
again and again, a real worker runs it on the configured broker (Redis when REDIS_URL is set), and a
due account produces exactly one e-mail."""

import time

import pytest
from celery.beat import EmbeddedService
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from governance.celery import app
from moderation.models import CheckIn
from notifications.models import Notification


@pytest.fixture
def beat_and_worker(transactional_db):
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test moderation sweep",
        task="notifications.tasks.run_sweep",
        interval=every_second,
        args='["moderation"]',
    )
    beat = EmbeddedService(app, thread=True, scheduler_cls="django_celery_beat.schedulers:DatabaseScheduler")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        beat.start()
        try:
            yield
        finally:
            beat.stop()


def _wait(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.25)
    return predicate()


def test_beat_fires_repeatedly_but_the_owner_gets_exactly_one_email(
    make_entry, teacher, school_a, long_ago, beat_and_worker
):
    from notifications.models import SweepRun

    entry = make_entry(teacher, school_a, handle="room12", registered=long_ago)
    assert _wait(lambda: SweepRun.objects.filter(name="moderation").count() >= 3, timeout=40), "beat did not fire"
    assert _wait(lambda: any("Comment check-in due" in m.subject for m in mail.outbox), timeout=20)
    time.sleep(1.5)  # let any duplicate delivery show up
    emails = [m for m in mail.outbox if "Comment check-in due" in m.subject]
    assert len(emails) == 1
    assert emails[0].to == [teacher.email]
    assert "@room12" in emails[0].body
    assert Notification.objects.filter(kind="reminder.moderation").count() == 1
    assert not CheckIn.objects.filter(entry=entry).exists()
