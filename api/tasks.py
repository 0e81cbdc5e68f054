"""Thin Celery wrappers: take ids, call services."""

from celery import shared_task

from . import services


@shared_task
def send_webhook(delivery_id: int) -> bool:
    """Send one webhook delivery; failures are rescheduled by the service (next_attempt_at), not here."""
    return services.deliver_webhook(delivery_id)


@shared_task
def flush_webhooks() -> int:
    """Queue every delivery that is due: retries whose back-off has passed, and any left by a broker
    outage or a dead worker."""
    ids = services.due_delivery_ids()
    for delivery_id in ids:
        send_webhook.delay(delivery_id)
    return len(ids)
