"""The district's school year, written once for every app that counts in school years (the yearly
attestation of §2, event rosters of §3.1, the consent roster of §1.3.6).

Setting (optional): OUTREACH_SCHOOL_YEAR_START, the (month, day) on which a school year begins.
Days are district-local (settings.TIME_ZONE).
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone


def school_year_start_month_day() -> tuple[int, int]:
    month, day = getattr(settings, "OUTREACH_SCHOOL_YEAR_START", (9, 1))
    return int(month), int(day)


def school_year_of(day: date) -> int:
    """The calendar year in which the school year containing `day` started (2026 for 2026–27)."""
    return day.year if (day.month, day.day) >= school_year_start_month_day() else day.year - 1


def school_year_start(year: int) -> date:
    month, day = school_year_start_month_day()
    return date(year, month, day)


def school_year_end(year: int) -> date:
    """The last day of the school year that started in `year`."""
    return school_year_start(year + 1) - timedelta(days=1)


def school_year_label(year: int) -> str:
    return f"{year}–{(year + 1) % 100:02d}"


def current_school_year() -> int:
    return school_year_of(timezone.localdate())
