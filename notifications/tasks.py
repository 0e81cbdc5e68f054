"""Thin Celery wrappers: take ids, call services."""

from datetime import timedelta

from celery import current_app, shared_task
from django.utils import timezone

from . import services, sweeps


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
