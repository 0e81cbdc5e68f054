"""A worker step: whenever a Celery worker (re)connects to the broker, at start and again after the
broker was away, it queues one outbox flush at once, so e-mails that waited during the outage go out
within seconds of the broker's return instead of at beat's next minute (issue 12). Registered in
governance/celery.py; sending stays exactly-once (services.claim_for_publishing, claim_for_sending)."""

import logging

from celery import bootsteps

logger = logging.getLogger(__name__)


class FlushOutboxOnConnect(bootsteps.StartStopStep):
    # After the step that consumes tasks: the broker connection is up when start() runs.
    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        from .tasks import flush_outbox

        try:
            flush_outbox.apply_async(countdown=1)
        except Exception:  # the broker went away again: beat's minutely flush remains
            logger.warning("Could not queue the outbox flush on connecting to the broker")
