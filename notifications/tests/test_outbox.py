"""The outbox: a notification row first, then an e-mail that is sent once and retried on failure."""

import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _notify(user, **kwargs):
    defaults = {"kind": "test.kind", "subject": "Subject", "body": "Body", "url": "/home/"}
    return services.create_notification(recipient=user, **{**defaults, **kwargs})


def test_notify_creates_a_pending_row_and_queues_the_email_after_commit(teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notification = _notify(teacher)
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert len(callbacks) == 1


def test_same_dedupe_key_creates_one_notification_only(teacher):
    first = _notify(teacher, dedupe_key="moderation:1:2026-11-28")
    second = _notify(teacher, dedupe_key="moderation:1:2026-11-28")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=teacher).count() == 1


def test_inactive_users_are_not_notified(teacher):
    teacher.is_active = False
    teacher.save()
    assert _notify(teacher) is None
    assert not Notification.objects.exists()


def test_deliver_sends_once_even_when_called_twice(teacher):
    notification = _notify(teacher, subject="Only once")
    assert services.deliver_email(notification.pk) is True
    assert services.deliver_email(notification.pk) is False
    assert [m.subject for m in mail.outbox] == ["Only once"]
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert notification.email_sent_at is not None


def test_email_contains_an_absolute_link(teacher, settings):
    settings.PORTAL_BASE_URL = "https://portal.sd.example"
    notification = _notify(teacher, url="/requests/7/")
    services.deliver_email(notification.pk)
    assert "https://portal.sd.example/requests/7/" in mail.outbox[0].body


def test_smtp_failure_puts_the_email_back_in_the_outbox_then_it_is_sent(teacher, monkeypatch):
    notification = _notify(teacher, subject="Retry me")

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("SMTP down")

    monkeypatch.setattr(services.EmailMultiAlternatives, "send", broken)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.deliver_email(notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert "SMTP down" in notification.email_last_error
    assert services.pending_email_ids() == [notification.pk]

    monkeypatch.undo()
    assert services.deliver_email(notification.pk) is True
    assert [m.subject for m in mail.outbox] == ["Retry me"]
    notification.refresh_from_db()
    assert notification.email_attempts == 2


def test_repeated_failures_end_as_failed_visible_to_admins(teacher, monkeypatch):
    notification = _notify(teacher)
    monkeypatch.setattr(
        services.EmailMultiAlternatives, "send", lambda *a, **k: (_ for _ in ()).throw(OSError("refused"))
    )
    for _ in range(services.MAX_EMAIL_ATTEMPTS):
        with pytest.raises(OSError):
            services.deliver_email(notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.FAILED
    assert services.pending_email_ids() == []
    assert services.retry_failed([notification.pk]) == 1
    assert services.pending_email_ids() == [notification.pk]


def test_broker_outage_leaves_the_notification_in_the_outbox(teacher, monkeypatch):
    from notifications import tasks

    def no_broker(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.send_notification_email, "delay", no_broker)
    notification = _notify(teacher)
    services._enqueue_email(notification.pk)  # what on_commit runs: must not raise
    assert services.pending_email_ids() == [notification.pk]


def test_unread_count_in_navigation_and_mark_read(client_for, teacher, colleague):
    _notify(teacher, subject="First")
    _notify(teacher, subject="Second", url="/home/")
    _notify(colleague, subject="Not yours")
    client = client_for(teacher)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "First" in body and "Second" in body and "Not yours" not in body
    assert '2<span class="visually-hidden"> unread</span>' in body
    second = Notification.objects.get(subject="Second")
    response = client.post(reverse("notifications:open", args=[second.pk]))
    assert response["Location"] == "/home/"
    second.refresh_from_db()
    assert second.is_read
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(recipient=teacher, read_at__isnull=True).exists()


def test_someone_elses_notification_answers_404(client_for, teacher, colleague):
    other = _notify(colleague)
    assert client_for(teacher).post(reverse("notifications:open", args=[other.pk])).status_code == 404


def test_open_ignores_external_redirect_targets(client_for, teacher):
    evil = _notify(teacher, url="https://evil.example/phish")
    response = client_for(teacher).post(reverse("notifications:open", args=[evil.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_state_changes_refuse_get(client_for, teacher):
    n = _notify(teacher)
    client = client_for(teacher)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
