"""Every periodic task of the portal, declared once. A sweep is named by the `@sweep` name its app
registered (see notifications/sweeps.py) and run by the one task `notifications.tasks.run_sweep`.
`manage.py setup_schedules` writes these to django-celery-beat, where district admins may change
times afterwards (the command keeps their edits)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Schedule:
    name: str  # the key in django-celery-beat, in English; marked (gettext_noop) so pages can translate it
    task: str
    description: str  # a lazy translation: setup_schedules stores it in the default language
    every_minutes: int | None = None
    crontab: dict | None = None  # minute, hour, day_of_week... in the district TIME_ZONE
    args: list | None = None


SCHEDULES: list[Schedule] = [
    Schedule(
        name=gettext_noop("Deliver waiting e-mails (outbox)"),
        task="notifications.tasks.flush_outbox",
        description=_(
            "Sends notifications whose e-mail is still waiting, e.g. after a broker or SMTP outage: "
            "within a minute of the broker coming back."
        ),
        every_minutes=1,
    ),
    Schedule(
        name=gettext_noop("Forget used one-time form tokens"),
        task="core.tasks.purge_form_tokens",
        description=_("Deletes one-time form tokens (double-submit protection) older than FORM_TOKEN_RETENTION_DAYS."),
        crontab={"minute": "15", "hour": "3"},
    ),
    Schedule(
        name=gettext_noop("Comment moderation reminders and escalations (§1.4.3)"),
        task="notifications.tasks.run_sweep",
        description=_("Every morning: records missed check-ins, reminds owners, escalates repeat misses."),
        crontab={"minute": "30", "hour": "7"},
        args=["moderation"],
    ),
    Schedule(
        name=gettext_noop("Site review reminders and escalations (§1.2.1.3)"),
        task="notifications.tasks.run_sweep",
        description=_("Daily; each owner hears at most weekly, approvers after the grace period."),
        crontab={"minute": "0", "hour": "8"},
        args=["reviews"],
    ),
    Schedule(
        name=gettext_noop("Remind approvers of requests waiting for a decision (§1.4.6)"),
        task="notifications.tasks.run_sweep",
        description=_("Daily digest to approvers of requests waiting longer than PENDING_APPROVAL_REMINDER_DAYS."),
        crontab={"minute": "0", "hour": "7", "day_of_week": "1-5"},
        args=["pending_approvals"],
    ),
    Schedule(
        name=gettext_noop("Remind approvers of open offboarding cases (§1.4.5)"),
        task="notifications.tasks.run_sweep",
        description=_("Daily digest of open cases; district admins after OFFBOARDING_ESCALATE_AFTER_DAYS."),
        crontab={"minute": "15", "hour": "7"},
        args=["offboarding"],
    ),
    Schedule(
        name=gettext_noop("Remind approvers of access reviews to answer (§1.4.5, §1.2.1.3)"),
        task="notifications.tasks.run_sweep",
        description=_("Weekly, then daily in the last 3 days; district admins daily once a review is past due."),
        crontab={"minute": "20", "hour": "7"},
        args=["access_reviews"],
    ),
    Schedule(
        name=gettext_noop("End co-admin access on its date, warn before (§1.4.5)"),
        task="notifications.tasks.run_sweep",
        description=_("Warns the co-admin and the owner 7 days and 1 day before; on the day removes the access."),
        crontab={"minute": "5", "hour": "6"},
        args=["co_admin_terms"],
    ),
    Schedule(
        name=gettext_noop("Remind communications managers of overdue media inquiries (§1.5.1)"),
        task="notifications.tasks.run_sweep",
        description=_("Inquiries past the outlet's deadline and not acknowledged; at most once a day per inquiry."),
        every_minutes=60,
        args=["overdue_inquiries"],
    ),
    Schedule(
        name=gettext_noop("Remind event organisers of the parents' no-photo announcement (§3.1)"),
        task="notifications.tasks.run_sweep",
        description=_("Once per event and lead time (OUTREACH_EVENT_REMINDER_HOURS), in district time."),
        every_minutes=15,
        args=["event_reminders"],
    ),
    Schedule(
        name=gettext_noop("Ask staff to confirm the personal social media rules (§2)"),
        task="notifications.tasks.run_sweep",
        description=_("Asks on the school year's first day, then every OUTREACH_ATTESTATION_REMINDER_DAYS days."),
        crontab={"minute": "30", "hour": "7"},
        args=["attestations"],
    ),
    Schedule(
        name=gettext_noop("Dashboard figures ready for the first view of the day"),
        task="notifications.tasks.run_sweep",
        description=_(
            "Computes every unit's dashboard rollup after midnight and again after the morning's "
            "moderation sweep, so the first dashboard view of the day reads one row per unit."
        ),
        crontab={"minute": "45", "hour": "0,7"},
        args=["rollups"],
    ),
    Schedule(
        name=gettext_noop("Purge student consent rosters past their retention (§1.3.6)"),
        task="consent.tasks.purge_expired_rosters",
        description=_("Daily: rosters of school years that ended more than CONSENT_RETENTION_DAYS ago are deleted."),
        crontab={"minute": "15", "hour": "2"},
    ),
    Schedule(
        name=gettext_noop("Deliver waiting webhooks (API outbox)"),
        task="api.tasks.flush_webhooks",
        description=_(
            "Sends webhook deliveries that are due: retries after their back-off, and any left by an outage."
        ),
        every_minutes=1,
    ),
]
