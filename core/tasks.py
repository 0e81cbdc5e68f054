"""Thin Celery wrappers for core's housekeeping (scheduled in notifications/schedules.py)."""

from celery import shared_task

from . import once


@shared_task
def purge_form_tokens() -> int:
    """Forget one-time form tokens used more than FORM_TOKEN_RETENTION_DAYS ago."""
    return once.purge_form_tokens()
