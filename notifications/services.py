"""Creating, delivering and reading notifications."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 8
# A claim older than this is considered abandoned (worker killed mid-send) and may be retried.
# settings.PORTAL["STALE_CLAIM_SECONDS"] (environment: STALE_CLAIM_SECONDS) overrides this default.
STALE_CLAIM_SECONDS = 600


def _stale_claim_cutoff():
    """Claims made before this moment belong to a worker that died: they may be taken over."""
    seconds = getattr(settings, "PORTAL", {}).get("STALE_CLAIM_SECONDS", STALE_CLAIM_SECONDS)
    return timezone.now() - timezone.timedelta(seconds=seconds)


def notify(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Create one notification (the outbox row) and queue its e-mail after commit.

    Call it inside the caller's transaction. With a `dedupe_key`, a second call for the same key
    creates nothing and returns None (idempotent reminders).
    """
    if not recipient.is_active:
        return None
    fields = dict(
        recipient=recipient,
        kind=kind,
        subject=subject[:200],
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.SKIPPED,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        notification = Notification.objects.create(**fields)
    if email:
        transaction.on_commit(lambda: _enqueue_email(notification.pk))
    return notification


def _enqueue_email(notification_id: int) -> None:
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # broker down: the row stays pending and the outbox sweep sends it later
        logger.warning("Broker unavailable; notification %s stays in the outbox", notification_id)


def claim_for_sending(notification_id: int) -> bool:
    """Atomically move a pending (or abandoned) notification to 'sending'. True if we own it now."""
    stale = _stale_claim_cutoff()
    return bool(
        Notification.objects.filter(pk=notification_id)
        .filter(
            Q(email_status=Notification.EmailStatus.PENDING)
            | Q(email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=stale)
        )
        .update(
            email_status=Notification.EmailStatus.SENDING,
            email_claimed_at=timezone.now(),
            email_attempts=F("email_attempts") + 1,
        )
    )


def deliver_email(notification_id: int) -> bool:
    """Send one claimed notification by e-mail. Returns True when sent.

    On an SMTP error the row goes back to pending (to be retried) or, after MAX_EMAIL_ATTEMPTS,
    to failed, where district admins see it in the admin.
    """
    if not claim_for_sending(notification_id):
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=notification.subject,
            message=f"{notification.body}{link}\n\n-- \nAP 1311 Social Media for Learning portal",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception as error:  # SMTP down, refused, timeout...
        final = notification.email_attempts >= MAX_EMAIL_ATTEMPTS
        Notification.objects.filter(pk=notification_id).update(
            email_status=Notification.EmailStatus.FAILED if final else Notification.EmailStatus.PENDING,
            email_last_error=f"{type(error).__name__}: {error}"[:500],
        )
        logger.warning(
            "E-mail for notification %s failed (attempt %s): %s",
            notification_id,
            notification.email_attempts,
            type(error).__name__,
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_status=Notification.EmailStatus.SENT, email_sent_at=timezone.now(), email_last_error=""
    )
    logger.info(
        "Sent %s e-mail to %s (notification %s)", notification.kind, notification.recipient.email, notification_id
    )
    return True


def pending_email_ids(limit: int = 500) -> list[int]:
    stale = _stale_claim_cutoff()
    return list(
        Notification.objects.filter(
            Q(email_status=Notification.EmailStatus.PENDING)
            | Q(email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=stale)
        )
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def retry_failed(notification_ids) -> int:
    """Put the given notifications' e-mails back in the outbox (district admin action)."""
    return (
        Notification.objects.filter(pk__in=list(notification_ids))
        .exclude(email_status__in=[Notification.EmailStatus.SKIPPED, Notification.EmailStatus.SENT])
        .update(email_status=Notification.EmailStatus.PENDING, email_attempts=0, email_claimed_at=None)
    )


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of the user's notifications read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
