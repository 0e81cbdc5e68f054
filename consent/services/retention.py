"""The retention purge: rosters go with their school year (docs/privacy.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import record_event

from .. import rules
from ..models import Roster, Student

# --- Retention ----------------------------------------------------------------------------------------------


@dataclass
class PurgeResult:
    rosters: int = 0
    students: int = 0
    school_years: list[int] = field(default_factory=list)


@transaction.atomic
def purge_expired_rosters(*, today: datetime.date | None = None) -> PurgeResult:
    """Delete every roster whose school year ended more than CONSENT_RETENTION_DAYS ago (§1.3.6).

    Run by the scheduled task consent.tasks.purge_expired_rosters; safe to run twice (the second run
    finds nothing). Side effect, when something went: one audit event (no actor) saying how many rosters
    and student rows went and of which school years, never who.
    """
    today = today or timezone.localdate()
    years = sorted({y for y in Roster.objects.values_list("school_year", flat=True) if rules.is_expired(y, today)})
    result = PurgeResult(school_years=years)
    if not years:
        return result
    expired = Roster.objects.select_for_update().filter(school_year__in=years)
    ids = list(expired.values_list("pk", flat=True))
    result.rosters = len(ids)
    result.students = Student.objects.filter(roster_id__in=ids).count()
    Roster.objects.filter(pk__in=ids).delete()
    record_event(
        actor=None,
        action="consent.purged",
        details={
            "rosters": result.rosters,
            "students": result.students,
            "school_years": years,
            "retention_days": rules.retention_days(),
        },
    )
    return result
