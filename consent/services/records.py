"""Reads of the roster that must be on record: look-ups, roster views, the approver's export."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record_event
from core.errors import NotPermitted
from core.http import safe_csv_cell

from .. import selectors
from ..models import USE_FIELDS, Roster
from ._common import _require_keeper

# --- Reads that are on record ---------------------------------------------------------------------------


@transaction.atomic
def record_lookup(
    *,
    actor: User,
    roster: Roster,
    classes: Iterable[str] = (),
    grades: Iterable[str] = (),
    names_searched: int = 0,
    students_listed: int = 0,
) -> None:
    """Put a teacher's check on record: who looked at which class (or grade), when (§1.3.6).

    A name search is recorded as the number of names searched, never the names typed: the trail must
    not become a second list of students. Who: staff of the roster's school.
    """
    if not selectors.rosters_visible_to(actor).filter(pk=roster.pk).exists():
        raise NotPermitted(gettext("Only staff of this school can check its consent roster."))
    record_event(
        actor=actor,
        action="consent.looked_up",
        target=roster,
        org_unit=roster.org_unit,
        details={
            "school_year": roster.school_year,
            "classes": sorted(classes)[:20],
            "grades": sorted(grades)[:20],
            "names_searched": names_searched,
            "students_listed": students_listed,
        },
    )


@transaction.atomic
def record_roster_view(*, actor: User, roster: Roster, filters: dict[str, str], page: int, listed: int) -> None:
    """A keeper opened the roster's student list: on record like a teacher's check. Who: the keepers."""
    _require_keeper(actor, roster.org_unit_id)
    record_event(
        actor=actor,
        action="consent.roster_viewed",
        target=roster,
        org_unit=roster.org_unit,
        details={
            "school_year": roster.school_year,
            # The class and answer filters, not the text searched (it may be a name).
            "filters": {k: v for k, v in filters.items() if k in ("school_class", "missing") and v},
            "searched": bool(filters.get("q")),
            "page": page,
            "students_listed": listed,
        },
    )


EXPORT_COLUMNS = [
    "student_number",
    "display_name",
    "grade",
    "classes",
    *USE_FIELDS,
    "consent_date",
    "recorded_by",
    "recorded_at",
]


def export_roster_csv(*, actor: User, roster: Roster, writer) -> int:
    """The roster as CSV, on the approver's explicit request, audited (§1.3.6). Returns the row count.

    The only way student names leave the portal. Cells a spreadsheet would run are neutralised.
    Who: the school's approvers (not clerks, not district-wide roles).
    """
    if not selectors.can_export(actor, roster.org_unit_id):
        raise NotPermitted(gettext("Only the school's principal can export its consent roster."))
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for student in roster.students.select_related("recorded_by").prefetch_related("classes").order_by("display_name"):
        writer.writerow(
            [
                safe_csv_cell(student.school_identifier),
                safe_csv_cell(student.display_name),
                safe_csv_cell(student.grade),
                safe_csv_cell("; ".join(c.name for c in student.classes.all())),
                *[getattr(student, use) for use in USE_FIELDS],
                student.consent_date.isoformat() if student.consent_date else "",
                safe_csv_cell(student.recorded_by.email if student.recorded_by else ""),
                timezone.localtime(student.recorded_at).isoformat(timespec="minutes") if student.recorded_at else "",
            ]
        )
        count += 1
    with transaction.atomic():
        record_event(
            actor=actor,
            action="consent.exported",
            target=roster,
            org_unit=roster.org_unit,
            details={"school_year": roster.school_year, "rows": count},
        )
    return count
