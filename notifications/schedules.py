"""Every periodic task of the portal, declared once. `manage.py setup_schedules` writes these to
django-celery-beat, where district admins may change times afterwards (the command keeps their edits)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    description: str
    every_minutes: int | None = None
    crontab: dict | None = None  # minute, hour, day_of_week... in the district TIME_ZONE


SCHEDULES: list[Schedule] = [
    Schedule(
        name="Deliver waiting e-mails (outbox)",
        task="notifications.tasks.flush_outbox",
        description="Sends notifications whose e-mail is still waiting, e.g. after a broker or SMTP outage.",
        every_minutes=5,
    ),
]
