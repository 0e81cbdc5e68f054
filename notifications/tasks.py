"""Thin Celery wrappers: take ids, call services."""

import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.utils import timezone

from . import services, sweeps

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=services.MAX_EMAIL_ATTEMPTS,
)
def send_notification_email(self, notification_id: int) -> bool:
    return services.deliver_email(notification_id)


@shared_task
def send_notification_emails(notification_ids: list[int]) -> int:
    """Send a batch of e-mails (a sweep publishes one such task per batch, not one per e-mail).

    Each id is claimed and sent on its own by services.deliver_email, so a row another worker already
    took is left alone and each e-mail still goes out once. An id whose send fails (SMTP down) is back
    in the outbox (pending, or failed after MAX_EMAIL_ATTEMPTS) and is retried alone, with the back-off
    of send_notification_email; the rest of the batch goes on. Returns how many were sent.
    """
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += services.deliver_email(notification_id)
        except Exception:  # deliver_email put the row back; retry this one alone, later
            if services.is_retryable(notification_id):
                try:
                    send_notification_email.apply_async((notification_id,), countdown=30)
                except Exception:  # broker gone meanwhile: the minutely flush publishes it again
                    logger.warning("Could not queue a retry of notification %s", notification_id)
    return sent


def broker_started_at():
    """When the Redis broker last started (None for another broker, or when it cannot be asked)."""
    try:
        with current_app.connection_for_read() as connection:
            uptime = connection.default_channel.client.info("server")["uptime_in_seconds"]
    except Exception:  # the file-system broker has no server to ask
        return None
    return timezone.now() - timedelta(seconds=int(uptime))


@shared_task
def flush_outbox() -> int:
    """Every minute: hand the broker each e-mail still waiting (after a broker outage, a message lost
    with a restarted broker, or a claim abandoned mid-send). See services.claim_for_publishing."""
    ids = services.claim_for_publishing(broker_started_at=broker_started_at())
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)


@shared_task
def run_sweep(name: str) -> dict:
    """Run one reminder sweep for today (district time). Safe to run twice or late.
    Returns the counts: planned, created (new), already_sent, skipped."""
    return sweeps.run_sweep(name).summary()
