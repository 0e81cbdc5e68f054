"""Creating, delivering and reading notifications."""

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import engines
from django.template.loader import select_template
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)

SITE_NAME = "AP 1311 Social Media for Learning portal"
MAX_EMAIL_ATTEMPTS = 8
# A claim older than this is considered abandoned (worker killed mid-send) and may be retried.
# settings.PORTAL["STALE_CLAIM_SECONDS"] (environment: STALE_CLAIM_SECONDS) overrides this default.
STALE_CLAIM_SECONDS = 600


def _stale_claim_cutoff():
    """Claims made before this moment belong to a worker that died: they may be taken over."""
    seconds = getattr(settings, "PORTAL", {}).get("STALE_CLAIM_SECONDS", STALE_CLAIM_SECONDS)
    return timezone.now() - timezone.timedelta(seconds=seconds)


def render_notification(kind: str, context: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """The subject (always one line) and plain-text body of a notification kind.

    Text lives in templates, never in services: `notifications/<kind>/subject.txt` and `body.txt`
    (rendered without HTML escaping; see the "text" engine in settings). A subject is folded to a
    single line whatever its context holds, so no title with a line break can stop an e-mail.
    """
    engine = engines["text"]
    context = dict(context or {})
    subject = engine.get_template(f"notifications/{kind}/subject.txt").render(context)
    body = engine.get_template(f"notifications/{kind}/body.txt").render(context)
    return one_line(subject)[:200], body.strip()


def one_line(text: str) -> str:
    """Any whitespace run (line breaks included) becomes one space; control characters go."""
    return " ".join("".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text or "").split())


def notify(
    *,
    recipient,
    kind: str,
    context: Mapping[str, Any] | None = None,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Create one notification (the outbox row) of `kind`, rendered from its templates with
    `context`, and queue its e-mail after commit.

    Call it inside the caller's transaction. With a `dedupe_key`, a second call for the same key
    creates nothing and returns None (idempotent reminders).
    """
    subject, body = render_notification(kind, context)
    return create_notification(
        recipient=recipient, kind=kind, subject=subject, body=body, url=url, dedupe_key=dedupe_key, email=email
    )


def create_notification(
    *, recipient, kind: str, subject: str, body: str, url: str = "", dedupe_key: str | None = None, email: bool = True
) -> Notification | None:
    """The outbox row for an already rendered notification (see notify and the sweeps)."""
    if not recipient.is_active:
        return None
    fields = dict(
        recipient=recipient,
        kind=kind,
        subject=one_line(subject)[:200],
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
    try:
        email_message(notification).send()
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


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification: a plain-text part always, and an HTML alternative in the
    portal's look (`notifications/<kind>/body.html` where a kind has its own, else email.html)."""
    link = f"{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    context = {"notification": notification, "link": link, "site_name": SITE_NAME}
    text = engines["text"].get_template("notifications/email.txt").render(context)
    html = select_template([f"notifications/{notification.kind}/body.html", "notifications/email.html"]).render(context)
    message = EmailMultiAlternatives(
        subject=one_line(notification.subject), body=text, to=[notification.recipient.email]
    )
    message.attach_alternative(html, "text/html")
    return message


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
