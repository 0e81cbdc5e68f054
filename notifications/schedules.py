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
    args: list | None = None


SCHEDULES: list[Schedule] = [
    Schedule(
        name="Deliver waiting e-mails (outbox)",
        task="notifications.tasks.flush_outbox",
        description="Sends notifications whose e-mail is still waiting, e.g. after a broker or SMTP outage.",
        every_minutes=5,
    ),
    Schedule(
        name="Remind approvers of requests waiting for a decision (§1.4.6)",
        task="notifications.tasks.run_sweep",
        description="Daily digest to approvers of requests waiting longer than PENDING_APPROVAL_REMINDER_DAYS.",
        crontab={"minute": "0", "hour": "7", "day_of_week": "1-5"},
        args=["pending_approvals"],
    ),
]
