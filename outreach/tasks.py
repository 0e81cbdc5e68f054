"""Thin Celery wrappers around the outreach reminder sweeps (declared in notifications/schedules.py).

Each is safe to run twice or late: reminders carry dedupe keys (see services.py).
"""

from celery import shared_task

from . import services


def _summary(result) -> dict:
    return {"planned": len(result.planned), "created": result.created}


@shared_task
def remind_overdue_inquiries() -> dict:
    """§1.5.1: inquiries past their deadline and not acknowledged; once a day per inquiry."""
    return _summary(services.remind_overdue_inquiries())


@shared_task
def send_event_reminders() -> dict:
    """§3.1: organisers of upcoming events; once per event and lead time."""
    return _summary(services.send_event_reminders())


@shared_task
def remind_pending_attestations() -> dict:
    """§2: staff who have not confirmed the personal-use rules this school year."""
    return _summary(services.remind_pending_attestations())
