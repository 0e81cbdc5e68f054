"""The calendar of the consent roster: school years and how long a roster is kept after its year.

Settings (optional, read with getattr):
- OUTREACH_SCHOOL_YEAR_START: (month, day) on which a school year begins (core/schoolyear.py, the
  calendar outreach uses too, so an event's school year and its roster's school year always agree).
- CONSENT_RETENTION_DAYS: days after a school year's last day until its roster is purged.

Consent is collected every year (Appendix 1201 C), so a roster belongs to one school and one school year
and expires with it: nobody needs last year's answers to decide about this year's post.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from core.schoolyear import (  # noqa: F401  (the one school-year calendar, re-exported for consent)
    current_school_year,
    school_year_end,
    school_year_label,
    school_year_of,
    school_year_start,
)

DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    return max(0, int(getattr(settings, "CONSENT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)))


def purge_date(year: int) -> date:
    """The first day on which the roster of school year `year` is purged."""
    return school_year_end(year) + timedelta(days=retention_days() + 1)


def is_expired(year: int, today: date) -> bool:
    """True once the roster of school year `year` is past its retention period on `today`."""
    return today >= purge_date(year)


def years_open_for_rosters(today: date | None = None) -> list[int]:
    """School years a roster may be kept for: the current one and the next (prepared over the summer)."""
    year = school_year_of(today or timezone.localdate())
    return [year, year + 1]
