"""Thin Celery wrappers: take ids, call services."""

from celery import shared_task

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


@shared_task
def flush_outbox() -> int:
    """Queue every notification still waiting (after a broker outage, or abandoned mid-send)."""
    ids = services.pending_email_ids()
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    return len(ids)


@shared_task
def run_sweep(name: str) -> dict:
    """Run one reminder sweep for today (district time). Safe to run twice or late."""
    result = sweeps.run_sweep(name)
    return {"planned": len(result.planned), "created": result.created}
