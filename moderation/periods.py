"""Check-in periods (AP 1311 §1.4.3): comments on → one per district-local day; moderated → one per
week (starting Monday); comments off → none."""

from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext

DAILY = "on"
WEEKLY = "moderated"


def period_start(comment_setting: str, day: date) -> date | None:
    if comment_setting == DAILY:
        return day
    if comment_setting == WEEKLY:
        return day - timedelta(days=day.weekday())
    return None


def previous_periods(comment_setting: str, day: date, since: date) -> list[date]:
    """Starts of the periods that ended before `day` and began on or after `since`."""
    current = period_start(comment_setting, day)
    if current is None:
        return []
    step = timedelta(days=1 if comment_setting == DAILY else 7)
    periods, start = [], current - step
    while start >= since:
        periods.append(start)
        start -= step
    return periods


def describe(comment_setting: str, start: date) -> str:
    """The period in words, in the active language ("Tuesday 1 December", "the week of 30 November")."""
    if comment_setting == DAILY:
        return gettext("%(weekday)s %(date)s") % {
            "weekday": date_format(start, "l"),
            "date": date_format(start, "MONTH_DAY_FORMAT"),
        }
    return gettext("the week of %(date)s") % {"date": date_format(start, "MONTH_DAY_FORMAT")}


def last_periods(comment_setting: str, day: date, count: int) -> list[date]:
    """Starts of the `count` periods that ended last before `day`, newest first: the account's own
    escalation window (the last 7 days of a daily account, the last 7 weeks of a weekly one)."""
    current = period_start(comment_setting, day)
    if current is None or count <= 0:
        return []
    step = timedelta(days=1 if comment_setting == DAILY else 7)
    return [current - step * n for n in range(1, count + 1)]
