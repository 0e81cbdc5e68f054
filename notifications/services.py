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
from django.utils.translation import gettext_lazy as _

from core.i18n import override_for
from core.text import clean_text
from core.text import one_line as one_line

from .models import Notification

logger = logging.getLogger(__name__)

SITE_NAME = _("AP 1311 Social Media for Learning portal")
MAX_EMAIL_ATTEMPTS = 8
# A claim older than this is considered abandoned (worker killed mid-send) and may be retried.
# settings.PORTAL["STALE_CLAIM_SECONDS"] (environment: STALE_CLAIM_SECONDS) overrides this default.
STALE_CLAIM_SECONDS = 600
# The minutely flush (flush_outbox) publishes every pending e-mail never handed to the broker (it was
# down), and re-publishes one still pending this long after it was (its message may have been lost
# with a restarted broker). A task that finds its row already claimed does nothing.
REPUBLISH_AFTER_SECONDS = 45
MAX_URL_LENGTH = 500
ERASED_BODY = _("(Erased once sent: it held a one-time sign-in link.)")


def _stale_claim_cutoff():
    """Claims made before this moment belong to a worker that died: they may be taken over."""
    seconds = getattr(settings, "PORTAL", {}).get("STALE_CLAIM_SECONDS", STALE_CLAIM_SECONDS)
    return timezone.now() - timezone.timedelta(seconds=seconds)


def render_notification(kind: str, context: Mapping[str, Any] | None = None, *, recipient=None) -> tuple[str, str]:
    """The subject (always one line) and plain-text body of a notification kind, in the
    recipient's language (issue 17: a reminder written by a sweep follows the person, not the worker).

    Text lives in templates, never in services: `notifications/<kind>/subject.txt` and `body.txt`
    (rendered without HTML escaping; see the "text" engine in settings). A subject is folded to a
    single line whatever its context holds, so no title with a line break can stop an e-mail.
    """
    engine = engines["text"]
    context = dict(context or {})
    with override_for(recipient):
        subject = engine.get_template(f"notifications/{kind}/subject.txt").render(context)
        body = engine.get_template(f"notifications/{kind}/body.txt").render(context)
    return one_line(subject)[:200], body.strip()


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
    subject, body = render_notification(kind, context, recipient=recipient)
    return create_notification(
        recipient=recipient, kind=kind, subject=subject, body=body, url=url, dedupe_key=dedupe_key, email=email
    )


def build_notification(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
    email_to: str = "",
    email_only: bool = False,
) -> Notification:
    """The unsaved outbox row for an already rendered notification (see create_notification).

    Whatever the text, the row can be stored and its e-mail sent: the subject becomes one line
    (a line break in a header would stop the e-mail), subject and body lose NUL and other control
    characters, and a link too long to store is dropped rather than failing the caller's transaction.
    """
    url = url or ""
    if len(url) > MAX_URL_LENGTH:
        logger.warning("Dropping a %s-character link from a %s notification", len(url), kind)
        url = ""
    return Notification(
        recipient=recipient,
        kind=kind[:60],
        subject=one_line(subject)[:200],
        body=clean_text(body),
        url=url,
        dedupe_key=dedupe_key,
        email_status=Notification.EmailStatus.PENDING if email else Notification.EmailStatus.SKIPPED,
        email_to=email_to,
        email_only=email_only,
    )


def create_notification(
    *,
    recipient,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
    email_to: str = "",
    email_only: bool = False,
) -> Notification | None:
    """The outbox row for an already rendered notification (see notify and the sweeps).

    The text is cleaned as build_notification says. `email_to` sends the e-mail to another address
    than the recipient's own; `email_only` keeps it out of the portal's list (sign-in e-mails, see
    accounts.adapters).
    """
    if not recipient.is_active:
        return None
    notification = build_notification(
        recipient=recipient,
        kind=kind,
        subject=subject,
        body=body,
        url=url,
        dedupe_key=dedupe_key,
        email=email,
        email_to=email_to,
        email_only=email_only,
    )
    if dedupe_key:
        try:
            with transaction.atomic():
                notification.save(force_insert=True)
        except IntegrityError:
            return None
    else:
        notification.save(force_insert=True)
    if email:
        transaction.on_commit(lambda: _enqueue_email(notification.pk))
    return notification


def insert_deduplicated(notifications: list[Notification], *, sweep_run) -> dict[str, tuple[int, bool]]:
    """Insert rows that all carry a dedupe key in one statement, conflicts on the key ignored (issue 19).

    Returns dedupe key → (id, created by this call) for every key of the batch: a key already taken,
    by an earlier run or by a run at the same moment (whose insert this one waits for), keeps the
    other row, told apart by its `sweep_run`. Two queries whatever the number of rows. The caller
    publishes the e-mails of the created ones (`enqueue_emails` after commit).
    """
    for notification in notifications:
        notification.sweep_run = sweep_run
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    keys = [n.dedupe_key for n in notifications]
    return {
        key: (pk, run_id == sweep_run.pk)
        for key, pk, run_id in Notification.objects.filter(dedupe_key__in=keys).values_list(
            "dedupe_key", "pk", "sweep_run_id"
        )
    }


def enqueue_emails(notification_ids: list[int]) -> bool:
    """Hand one batch of e-mails to the broker as one task (`send_notification_emails`) and mark
    them handed over in one UPDATE. Never raises: when the broker is down the rows stay pending
    (email_queued_at empty) and the minutely flush sends them once the broker is back."""
    from .tasks import send_notification_emails

    if not notification_ids:
        return True
    try:
        send_notification_emails.delay(list(notification_ids))
    except Exception:  # broker down: the rows stay pending and the outbox flush sends them later
        logger.warning("Broker unavailable; %s notifications stay in the outbox", len(notification_ids))
        return False
    Notification.objects.filter(pk__in=notification_ids, email_status=Notification.EmailStatus.PENDING).update(
        email_queued_at=timezone.now()
    )
    return True


def _enqueue_email(notification_id: int) -> bool:
    """Hand the send task to the broker. Never raises: when the broker is down the row stays
    pending (email_queued_at empty) and the minutely flush sends it once the broker is back."""
    from .tasks import send_notification_email

    try:
        send_notification_email.delay(notification_id)
    except Exception:  # broker down: the row stays pending and the outbox flush sends it later
        logger.warning("Broker unavailable; notification %s stays in the outbox", notification_id)
        return False
    Notification.objects.filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING).update(
        email_queued_at=timezone.now()
    )
    return True


def claim_for_publishing(limit: int = 500, *, broker_started_at=None) -> list[int]:
    """The e-mails the flush should hand to the broker now, marked as handed over (one UPDATE).

    Pending rows never handed over (the broker was down when they were created), handed over more
    than REPUBLISH_AFTER_SECONDS ago, or handed over before `broker_started_at` (a broker restarted
    without persistence lost their messages), and claims abandoned by a dead worker. Two flushes at
    once do not both take a row: the UPDATE re-checks the condition. Sending stays exactly-once
    either way (claim_for_sending).
    """
    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=REPUBLISH_AFTER_SECONDS)
    if broker_started_at is not None:
        cutoff = max(cutoff, min(broker_started_at, now))
    due = (
        Q(email_status=Notification.EmailStatus.PENDING)
        & (Q(email_queued_at__lt=cutoff) | Q(email_queued_at__isnull=True))
    ) | Q(email_status=Notification.EmailStatus.SENDING, email_claimed_at__lt=_stale_claim_cutoff())
    ids = list(Notification.objects.filter(due).order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return []
    Notification.objects.filter(due, pk__in=ids).update(email_queued_at=now)
    return list(
        Notification.objects.filter(pk__in=ids, email_queued_at=now).order_by("id").values_list("id", flat=True)
    )


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
    sent = {"email_status": Notification.EmailStatus.SENT, "email_sent_at": timezone.now(), "email_last_error": ""}
    if notification.email_only:
        with override_for(notification.recipient):
            sent["body"] = str(ERASED_BODY)  # the one-time link is not kept once it went out
    Notification.objects.filter(pk=notification_id).update(**sent)
    logger.info(
        "Sent %s e-mail to %s (notification %s)", notification.kind, notification.email_address, notification_id
    )
    return True


def is_retryable(notification_id: int) -> bool:
    """Whether a notification's e-mail waits for another attempt (not sent, not given up)."""
    return Notification.objects.filter(pk=notification_id, email_status=Notification.EmailStatus.PENDING).exists()


def email_message(notification: Notification) -> EmailMultiAlternatives:
    """The e-mail of a notification: a plain-text part always, and an HTML alternative in the
    portal's look (`notifications/<kind>/body.html` where a kind has its own, else email.html)."""
    link = f"{settings.PORTAL_BASE_URL}{notification.url}" if notification.url else ""
    with override_for(notification.recipient):
        context = {"notification": notification, "link": link, "site_name": str(SITE_NAME)}
        text = engines["text"].get_template("notifications/email.txt").render(context)
        html = select_template([f"notifications/{notification.kind}/body.html", "notifications/email.html"]).render(
            context
        )
    message = EmailMultiAlternatives(subject=one_line(notification.subject), body=text, to=[notification.email_address])
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
