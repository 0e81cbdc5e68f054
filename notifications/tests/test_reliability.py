"""Issue 12 in the outbox: no text can stop an e-mail, e-mails go out within a minute of the broker
coming back, allauth's own e-mails go through the outbox, and run_sweep says what it did."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications import schedules, services
from notifications.models import Notification
from notifications.services import claim_for_publishing, create_notification, deliver_email, notify
from notifications.sweeps import Planned, SweepResult, deliver

pytestmark = pytest.mark.django_db


# --- No text can stop an e-mail -------------------------------------------------------------------------


def _sent_subject(notification):
    assert deliver_email(notification.pk) is True
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    return mail.outbox[-1].subject


def test_a_crlf_subject_given_directly_is_sent_as_one_line(teacher):
    sent = _sent_subject(
        create_notification(recipient=teacher, kind="t", subject="Hello\r\nBcc: x@evil.example", body="b")
    )
    assert sent == "Hello Bcc: x@evil.example"


def test_a_crlf_subject_given_to_the_outbox_is_sent_as_one_line(teacher):
    sent = _sent_subject(create_notification(recipient=teacher, kind="t", subject="A\nB\rC\x00D", body="b"))
    assert sent == "A B C D"


def test_a_crlf_title_rendered_into_a_kinds_subject_is_sent_as_one_line(principal):
    request = SimpleNamespace(title="Room 12\r\nBcc: everyone@sd.example", pk=1)
    sent = _sent_subject(notify(recipient=principal, kind="request.submitted", context={"request": request}))
    assert "\n" not in sent and "\r" not in sent and "Room 12 Bcc: everyone@sd.example" in sent


def test_a_body_with_nul_and_control_characters_and_an_overlong_link_is_still_stored_and_sent(teacher):
    notification = create_notification(
        recipient=teacher, kind="t", subject="s", body="line 1\r\nline\x00 2\x07", url="/x/" + "y" * 600
    )
    notification.refresh_from_db()
    assert notification.body == "line 1\nline 2" and notification.url == ""
    _sent_subject(notification)


# --- Within a minute of the broker coming back -----------------------------------------------------------


def test_the_outbox_flush_runs_every_minute():
    flush = next(s for s in schedules.SCHEDULES if s.task == "notifications.tasks.flush_outbox")
    assert flush.every_minutes == 1


def test_the_flush_takes_what_never_reached_the_broker_and_what_waited_too_long_once_each(teacher):
    never = create_notification(recipient=teacher, kind="t", subject="never handed over", body="b")
    fresh = create_notification(recipient=teacher, kind="t", subject="just handed over", body="b")
    lost = create_notification(recipient=teacher, kind="t", subject="lost with the broker", body="b")
    sent = create_notification(recipient=teacher, kind="t", subject="sent", body="b")
    now = timezone.now()
    Notification.objects.filter(pk=fresh.pk).update(email_queued_at=now)
    Notification.objects.filter(pk=lost.pk).update(email_queued_at=now - timedelta(minutes=2))
    Notification.objects.filter(pk=sent.pk).update(email_status=Notification.EmailStatus.SENT)
    assert claim_for_publishing() == [never.pk, lost.pk]
    assert claim_for_publishing() == []  # a second flush at once takes nothing again


def test_a_broker_outage_leaves_the_row_unqueued_for_the_next_flush(teacher, monkeypatch):
    from notifications import tasks

    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda *a: (_ for _ in ()).throw(OSError("down")))
    notification = create_notification(recipient=teacher, kind="t", subject="s", body="b")
    assert services._enqueue_email(notification.pk) is False
    notification.refresh_from_db()
    assert notification.email_queued_at is None
    assert claim_for_publishing() == [notification.pk]


# --- allauth's e-mails through the outbox ----------------------------------------------------------------


def test_the_password_reset_email_waits_in_the_outbox_then_is_delivered_and_its_link_erased(client, teacher):
    response = client.post(reverse("account_reset_password"), {"email": "teacher@sd.example"})
    assert response.status_code == 302
    queued = Notification.objects.get(recipient=teacher, kind="account.password_reset_key")
    assert queued.email_only and queued.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []
    assert deliver_email(queued.pk)
    assert mail.outbox[0].to == ["teacher@sd.example"]
    assert "/auth/password/reset/key/" in mail.outbox[0].body
    queued.refresh_from_db()
    assert queued.email_status == Notification.EmailStatus.SENT
    assert "/auth/password/reset/key/" not in queued.body  # the one-time link is not kept


def test_a_reset_for_an_unknown_address_mails_nobody_and_looks_the_same(client, teacher):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@sd.example"})
    assert response.status_code == 302
    assert not Notification.objects.exists() and mail.outbox == []


def test_sign_in_emails_are_not_listed_in_the_portal_nor_shown_in_the_admin(
    client, client_for, teacher, district_admin
):
    client.post(reverse("account_reset_password"), {"email": "teacher@sd.example"})
    queued = Notification.objects.get(recipient=teacher)
    assert "Password Reset" not in client_for(teacher).get(reverse("notifications:list")).content.decode()
    admin_page = client_for(district_admin).get(reverse("admin:notifications_notification_change", args=[queued.pk]))
    assert admin_page.status_code == 200
    assert "/auth/password/reset/key/" not in admin_page.content.decode()


def test_confirming_a_new_address_mails_that_address(teacher):
    notification = create_notification(
        recipient=teacher, kind="account.email_confirmation", subject="s", body="b", email_to="t.new@sd.example"
    )
    deliver_email(notification.pk)
    assert mail.outbox[0].to == ["t.new@sd.example"]


# --- run_sweep says what happened to each reminder -------------------------------------------------------


def _plan(*people):
    result = SweepResult(name="test", day=date(2026, 11, 30))
    for person in people:
        result.planned.append(
            Planned(
                recipient=person,
                kind="t",
                subject=f"Reminder for {person.email}",
                body="b",
                url="",
                dedupe_key=f"t:{person.pk}",
            )
        )
    return result


def test_each_reminder_is_new_already_sent_or_skipped_with_why(teacher, colleague, principal):
    deliver(_plan(teacher), dry_run=False)
    principal.is_active = False
    principal.save()
    result = deliver(_plan(teacher, colleague, principal), dry_run=False)
    assert result.summary() == {"planned": 3, "created": 1, "already_sent": 1, "skipped": 1}
    lines = result.lines()
    assert lines[0].startswith("already sent (notification ") and "teacher@sd.example" in lines[0]
    assert lines[1] == "new: colleague@sd.example: Reminder for colleague@sd.example"
    assert lines[2] == "skipped (account inactive): principal@sd.example: Reminder for principal@sd.example"


def test_after_a_broker_restart_what_was_queued_before_it_is_published_again_at_once(teacher):
    before = create_notification(recipient=teacher, kind="t", subject="queued before the restart", body="b")
    after = create_notification(recipient=teacher, kind="t", subject="queued after the restart", body="b")
    now = timezone.now()
    Notification.objects.filter(pk=before.pk).update(email_queued_at=now - timedelta(seconds=20))
    Notification.objects.filter(pk=after.pk).update(email_queued_at=now - timedelta(seconds=5))
    assert claim_for_publishing() == []  # without a restart, both are too fresh to publish again
    assert claim_for_publishing(broker_started_at=now - timedelta(seconds=10)) == [before.pk]


def test_the_broker_start_time_is_unknown_on_the_file_system_broker(settings):
    from notifications.tasks import broker_started_at

    if settings.REDIS_URL:
        assert broker_started_at() <= timezone.now()
    else:
        assert broker_started_at() is None


def test_a_worker_that_reconnects_to_the_broker_queues_an_outbox_flush_at_once(monkeypatch):
    from governance.celery import app
    from notifications import tasks
    from notifications.worker import FlushOutboxOnConnect

    queued = []
    monkeypatch.setattr(tasks.flush_outbox, "apply_async", lambda **kwargs: queued.append(kwargs))
    FlushOutboxOnConnect(parent=None).start(consumer=None)
    assert queued == [{"countdown": 1}]
    assert "notifications.worker:FlushOutboxOnConnect" in app.steps["consumer"]
