"""The calendar of the consent roster: school years and how long a roster is kept after its year.

Settings (optional, read with getattr):
- OUTREACH_SCHOOL_YEAR_START: (month, day) on which a school year begins; the same setting outreach
  reads (outreach/rules.py), so an event's school year and its roster's school year always agree.
- CONSENT_RETENTION_DAYS: days after a school year's last day until its roster is purged.

Consent is collected every year (Appendix 1201 C), so a roster belongs to one school and one school year
and expires with it: nobody needs last year's answers to decide about this year's post.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

DEFAULT_RETENTION_DAYS = 30


def _start_month_day() -> tuple[int, int]:
    month, day = getattr(settings, "OUTREACH_SCHOOL_YEAR_START", (9, 1))
    return int(month), int(day)


def school_year_of(day: date) -> int:
    """The calendar year in which the school year containing `day` started (2026 for 2026–27)."""
    return day.year if (day.month, day.day) >= _start_month_day() else day.year - 1


def school_year_start(year: int) -> date:
    month, day = _start_month_day()
    return date(year, month, day)


def school_year_end(year: int) -> date:
    """The last day of the school year that started in `year`."""
    return school_year_start(year + 1) - timedelta(days=1)


def school_year_label(year: int) -> str:
    return f"{year}–{(year + 1) % 100:02d}"


def current_school_year() -> int:
    return school_year_of(timezone.localdate())


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
