"""deliver in batches (issue 19): a fixed number of queries whatever the number of recipients, each
reminder rendered only when it is new (in its recipient's language), one broker task per batch, and
the outcomes still right when another run creates the same reminders at the same moment."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from notifications import services, sweeps, tasks
from notifications.models import Notification, SweepRun
from notifications.sweeps import ALREADY_SENT, NEW, SKIPPED, WOULD_SEND, Planned, SweepResult, deliver

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 30)


def _plan(people, *, kind="reminder.attestation"):
    result = SweepResult(name="test", day=DAY)
    for person in people:
        result.planned.append(
            Planned.of(
                recipient=person,
                kind=kind,
                context={"label": "2026-2027"},
                url="/outreach/attestation/",
                dedupe_key=f"test:{person.pk}:{DAY}",
            )
        )
    return result


def _queries_of_delivering(people, django_capture_on_commit_callbacks):
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
        deliver(_plan(people), dry_run=False)
    return len(queries), callbacks


def test_delivering_to_30_people_runs_the_queries_of_delivering_to_3(django_capture_on_commit_callbacks):
    few = _queries_of_delivering(UserFactory.create_batch(3), django_capture_on_commit_callbacks)
    many = _queries_of_delivering(UserFactory.create_batch(30), django_capture_on_commit_callbacks)
    assert few[0] == many[0]
    assert len(few[1]) == len(many[1]) == 1  # one publish per batch, not one per e-mail
    assert Notification.objects.count() == 33


def test_a_repeat_run_reads_the_keys_once_per_batch_and_creates_nothing(django_capture_on_commit_callbacks):
    few, many = UserFactory.create_batch(3), UserFactory.create_batch(30)
    deliver(_plan(few + many), dry_run=False)
    counts = []
    for people in (few, many):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as callbacks:
            result = deliver(_plan(people), dry_run=False)
        assert {p.outcome for p in result.planned} == {ALREADY_SENT} and not callbacks
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_batches_split_the_work_and_each_batch_is_one_broker_task(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(sweeps, "BATCH_SIZE", 2)
    published = []
    monkeypatch.setattr(tasks.send_notification_emails, "delay", lambda ids: published.append(ids))
    people = UserFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=True):
        result = deliver(_plan(people), dry_run=False)
    assert result.created == 5
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    assert sorted(pk for batch in published for pk in batch) == ids and [len(b) for b in published] == [2, 2, 1]
    # Handed over: the minutely flush will not publish them again at once.
    assert not Notification.objects.filter(email_queued_at__isnull=True).exists()
    assert all(n.sweep_run_id == SweepRun.objects.get().pk for n in Notification.objects.all())


def test_only_new_reminders_are_rendered(monkeypatch):
    first, second = UserFactory.create_batch(2)
    deliver(_plan([first]), dry_run=False)
    rendered = []
    real = sweeps.render_notification
    monkeypatch.setattr(
        sweeps,
        "render_notification",
        lambda kind, ctx, recipient: rendered.append(recipient) or real(kind, ctx, recipient=recipient),
    )
    result = deliver(_plan([first, second]), dry_run=False)
    assert [p.outcome for p in result.planned] == [ALREADY_SENT, NEW]
    assert rendered == [second]


def test_each_reminder_is_written_in_its_recipients_language(monkeypatch):
    from django.template.backends.django import Template
    from django.utils import translation

    languages = []
    real = Template.render
    monkeypatch.setattr(
        Template, "render", lambda self, *a, **k: languages.append(translation.get_language()) or real(self, *a, **k)
    )
    english, french = UserFactory(language="en-ca"), UserFactory(language="fr-ca")
    deliver(_plan([english, french]), dry_run=False)
    assert languages == ["en-ca", "en-ca", "fr-ca", "fr-ca"]  # subject and body of each


def test_a_dry_run_still_shows_every_subject_and_creates_nothing():
    person = UserFactory(email="dry@sd.example")
    result = deliver(_plan([person]), dry_run=True)
    assert result.planned[0].outcome == WOULD_SEND
    line = result.lines()[0]
    assert line.startswith("would send: dry@sd.example: ") and len(line) > len("would send: dry@sd.example: ")
    assert not Notification.objects.exists()


def test_a_key_taken_by_a_concurrent_run_is_already_sent_not_new(monkeypatch, django_capture_on_commit_callbacks):
    mine, theirs, gone = UserFactory(), UserFactory(), UserFactory(is_active=False)
    plan = _plan([mine, theirs, gone])
    # The other run commits its row after this run looked for earlier ones and before it inserts.
    real = sweeps._earlier_notifications

    def look_then_race(batch):
        found = real(batch)
        other = SweepRun.objects.create(name="test", for_date=DAY)
        row = services.build_notification(
            recipient=theirs, kind="reminder.attestation", subject="s", body="b", dedupe_key=f"test:{theirs.pk}:{DAY}"
        )
        row.sweep_run = other
        row.save()
        return found

    monkeypatch.setattr(sweeps, "_earlier_notifications", look_then_race)
    with django_capture_on_commit_callbacks() as callbacks:
        result = deliver(plan, dry_run=False)
    outcomes = [(p.outcome, p.detail) for p in result.planned]
    assert outcomes == [(NEW, ""), (ALREADY_SENT, "by a concurrent run"), (SKIPPED, "account inactive")]
    assert result.created == 1 and result.summary()["already_sent"] == 1
    assert Notification.objects.filter(recipient=theirs).count() == 1 and len(callbacks) == 1


def test_the_batch_task_sends_each_email_once_even_when_published_twice():
    people = UserFactory.create_batch(3)
    deliver(_plan(people), dry_run=False)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert tasks.send_notification_emails(ids) == 3
    assert tasks.send_notification_emails(ids) == 0  # each row was claimed: nothing goes out twice
    assert len(mail.outbox) == 3
    assert set(Notification.objects.values_list("email_status", flat=True)) == {Notification.EmailStatus.SENT}


def test_one_failed_email_is_retried_alone_and_the_batch_goes_on(monkeypatch):
    people = UserFactory.create_batch(3)
    deliver(_plan(people), dry_run=False)
    ids = sorted(Notification.objects.values_list("pk", flat=True))
    real = services.email_message

    def fail_the_second(notification):
        if notification.pk == ids[1]:
            raise OSError("SMTP down")
        return real(notification)

    monkeypatch.setattr(services, "email_message", fail_the_second)
    retried = []
    monkeypatch.setattr(tasks.send_notification_email, "apply_async", lambda args, countdown: retried.append(args))
    assert tasks.send_notification_emails(ids) == 2
    assert retried == [(ids[1],)]
    assert Notification.objects.get(pk=ids[1]).email_status == Notification.EmailStatus.PENDING


def test_reminders_sharing_one_context_are_rendered_once_per_language(monkeypatch):
    from django.template.backends.django import Template
    from django.utils import translation

    languages = []
    real = Template.render
    monkeypatch.setattr(
        Template, "render", lambda self, *a, **k: languages.append(translation.get_language()) or real(self, *a, **k)
    )
    people = [*UserFactory.create_batch(3, language="en-ca"), UserFactory(language="fr-ca")]
    shared = {"label": "2026-2027"}
    result = SweepResult(name="test", day=DAY)
    for person in people:
        result.planned.append(
            Planned.of(
                recipient=person, kind="reminder.attestation", context=shared, url="/", dedupe_key=f"s:{person.pk}"
            )
        )
    deliver(result, dry_run=False)
    assert languages == ["en-ca", "en-ca", "fr-ca", "fr-ca"]
    subjects = dict(Notification.objects.values_list("recipient__language", "subject").distinct())
    assert Notification.objects.count() == 4 and len(subjects) == 2
    assert subjects["en-ca"].startswith("Reminder") and subjects["fr-ca"].startswith("Rappel")
