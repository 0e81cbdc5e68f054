"""Thin Celery wrappers around consent services."""

from celery import shared_task

from . import services


@shared_task
def purge_expired_rosters() -> dict:
    """Delete rosters past their retention (§1.3.6); scheduled daily in notifications/schedules.py."""
    result = services.purge_expired_rosters()
    return {"rosters": result.rosters, "students": result.students}
