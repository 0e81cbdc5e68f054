"""Oversight's nightly job (issue 19): the dashboard's rollup computed before anyone looks.

The rollup (rollups.py) is computed on another district day afresh, because its 30- and 90-day
windows and "overdue" move at midnight; the moderation sweep marks every unit changed when it records
the night's missed check-ins. Left to the first dashboard view, the first district admin of the day
waits for the whole district (1.3 s at 2,000 units). This sweep pays it in the background, after
midnight and again after the morning's moderation sweep (notifications/schedules.py), so the first
view reads one row per unit. It sends nothing.
"""

from datetime import date

from accounts.models import OrgUnit
from notifications.sweeps import SweepResult, sweep

from .rollups import current_rollups


@sweep("rollups")
def refresh_rollups(day: date) -> SweepResult:
    """Bring every active unit's rollup row up to date for `day` (only the rows that need it)."""
    units = OrgUnit.objects.filter(is_active=True)
    rows = current_rollups(units, today=day)
    return SweepResult("rollups", day, counts={"units": rows.count()})
