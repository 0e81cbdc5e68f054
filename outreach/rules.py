"""The few settings and calendar rules of outreach, read in one place.

Settings (all optional, read with getattr so the project settings need no change):
- OUTREACH_EVENT_REMINDER_HOURS: hours before an event when the organiser is reminded (§3.1), e.g. [24, 3].
- OUTREACH_SCHOOL_YEAR_START: (month, day) on which the school year, and so the attestation cycle, begins.
- OUTREACH_ATTESTATION_REMINDER_DAYS: days without a confirmation before a reminder goes out (§2).

Times are district-local (settings.TIME_ZONE): "24 hours before a 10:00 assembly" means 10:00 the
day before on the wall clock, also across a daylight-saving change.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.schoolyear import (  # noqa: F401  (the one school-year calendar, re-exported for outreach)
    current_school_year,
    school_year_label,
    school_year_of,
    school_year_start,
    school_year_start_month_day,
)


def event_reminder_hours() -> list[int]:
    """Lead times in hours, largest first, without duplicates or non-positive values."""
    hours = getattr(settings, "OUTREACH_EVENT_REMINDER_HOURS", [24, 3])
    return sorted({int(h) for h in hours if int(h) > 0}, reverse=True)


def attestation_reminder_days() -> int:
    return max(1, int(getattr(settings, "OUTREACH_ATTESTATION_REMINDER_DAYS", 14)))


def local_wall_clock_shift(moment: datetime, hours: int) -> datetime:
    """`moment` moved back by `hours` on the district's wall clock (not in elapsed time)."""
    local = timezone.localtime(moment).replace(tzinfo=None) - timedelta(hours=hours)
    return timezone.make_aware(local)


def event_reminder_time(starts_at: datetime, hours: int) -> datetime:
    """When the reminder for one lead time becomes due."""
    return local_wall_clock_shift(starts_at, hours)


def first_reminder_time(starts_at: datetime) -> datetime:
    """The earliest reminder of an event; the organiser may confirm the announcement from then on."""
    hours = event_reminder_hours()
    return event_reminder_time(starts_at, hours[0]) if hours else starts_at
