"""Importing a school's roster from the SIS export or OneRoster: preview, then all rows or none."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import OrgUnit, User
from audit.services import record_event

from .. import importing, selectors
from ..models import Student
from ._common import ConsentError, _check_year, _classes, _drop_empty_classes, _require_keeper, _roster

# --- Import (SIS export or OneRoster) -------------------------------------------------------------------


@dataclass
class RosterImport:
    """The outcome of an import or its preview; rows carry their problems and what would happen to them."""

    org_unit: OrgUnit
    school_year: int
    parsed: importing.ParsedFiles
    remove_missing: bool = False
    to_remove: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> list[importing.StudentRow]:
        return self.parsed.rows

    @property
    def ok(self) -> bool:
        return self.parsed.ok

    @property
    def changes(self) -> int:
        removed = self.to_remove if self.remove_missing else 0
        return self.counts.get("new", 0) + self.counts.get("changed", 0) + removed

    def __repr__(self) -> str:
        return f"<RosterImport unit={self.org_unit.pk} year={self.school_year} {self.counts}>"


def _differs(student: Student, row: importing.StudentRow, class_names: set[str]) -> bool:
    if (student.display_name, student.grade) != (row.display_name, row.grade):
        return True
    if class_names != {c.lower() for c in row.classes}:
        return True
    if row.consent_date and row.consent_date != student.consent_date:
        return True
    return any(getattr(student, use) != state for use, state in row.answers.items())


@sensitive_variables("files", "parsed", "result", "existing")
def _compare(*, org_unit: OrgUnit, school_year: int, files: dict[str, str], remove_missing: bool) -> RosterImport:
    if files.get("sis"):
        parsed = importing.parse_sis_csv(files["sis"])
    else:
        parsed = importing.parse_oneroster(files["users"], files["enrollments"], files.get("classes") or None)
    result = RosterImport(org_unit=org_unit, school_year=school_year, parsed=parsed, remove_missing=remove_missing)
    roster = selectors.roster_of(org_unit.pk, school_year)
    existing: dict[str, Student] = {}
    classes: dict[int, set[str]] = {}
    if roster is not None:
        existing = {s.school_identifier.lower(): s for s in roster.students.all()}
        for student_id, name in Student.classes.through.objects.filter(student__roster=roster).values_list(
            "student_id", "schoolclass__name"
        ):
            classes.setdefault(student_id, set()).add(name.lower())
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    in_file = set()
    for row in parsed.rows:
        key = row.school_identifier.lower()
        in_file.add(key)
        student = existing.get(key)
        if student is None:
            row.outcome = "new"
        else:
            row.outcome = "changed" if _differs(student, row, classes.get(student.pk, set())) else "unchanged"
        counts[row.outcome] += 1
    result.counts = counts
    result.to_remove = sum(1 for key in existing if key not in in_file)
    return result


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def import_roster(
    *,
    actor: User,
    org_unit: OrgUnit,
    school_year: int,
    files: dict[str, str],
    dry_run: bool = True,
    remove_missing: bool = False,
) -> RosterImport:
    """Bring a school's roster in line with its SIS export or OneRoster files (§1.3.6).

    `files`: {"sis": text} or {"users": text, "enrollments": text, "classes": text (optional)}.
    With `dry_run` (the preview) nothing is saved and every row carries its problems and its outcome
    (new, changed, unchanged). Otherwise all rows are saved or, on any problem, none (ConsentError).
    Students are matched by their student number: running the same file twice changes nothing the
    second time. A blank answer keeps the recorded one. With `remove_missing` the file is the whole
    school: students not in it leave the roster.
    Who: the school's approvers and consent clerks. Side effect: one audit event with the counts
    when something changed (never a name, nor the file's name: it could hold one).
    """
    _require_keeper(actor, org_unit.pk)
    _check_year(school_year)
    try:
        result = _compare(org_unit=org_unit, school_year=school_year, files=files, remove_missing=remove_missing)
    except importing.ImportFileError as error:
        raise ConsentError(str(error)) from error
    if dry_run:
        return result
    if not result.ok:
        n = result.parsed.error_count
        raise ConsentError(
            ngettext(
                "Nothing was imported: %(count)s problem to fix first (see the preview).",
                "Nothing was imported: %(count)s problems to fix first (see the preview).",
                n,
            )
            % {"count": n}
        )
    if not result.changes:
        return result
    now = timezone.now()
    roster = _roster(org_unit, school_year)
    existing = {s.school_identifier.lower(): s for s in roster.students.select_for_update()}
    touched = [row for row in result.rows if row.outcome != "unchanged"]
    classes = {c.name.lower(): c for c in _classes(roster, {n for row in touched for n in row.classes})}
    new, changed = [], []
    for row in touched:
        student = existing.get(row.school_identifier.lower())
        if student is None:
            student = Student(roster=roster, school_identifier=row.school_identifier)
        student.display_name, student.grade = row.display_name, row.grade
        answered = any(getattr(student, use) != state for use, state in row.answers.items())
        for use, state in row.answers.items():
            setattr(student, use, state)
        if answered or (row.consent_date and row.consent_date != student.consent_date):
            student.consent_date = row.consent_date or timezone.localdate()
            student.recorded_by, student.recorded_at = actor, now
        (changed if student.pk else new).append((student, row))
    # In bulk: a school's first import is thousands of students.
    Student.objects.bulk_create([student for student, _ in new], batch_size=500)
    for student, _ in changed:
        student.save()
    through = Student.classes.through
    through.objects.filter(student__in=[student.pk for student, _ in changed]).delete()
    through.objects.bulk_create(
        [
            through(student_id=student.pk, schoolclass_id=classes[name.lower()].pk)
            for student, row in new + changed
            for name in row.classes
        ],
        batch_size=1000,
    )
    removed = 0
    if remove_missing:
        in_file = {row.school_identifier.lower() for row in result.rows}
        gone = [s.pk for key, s in existing.items() if key not in in_file]
        Student.objects.filter(pk__in=gone).delete()
        removed = len(gone)
    _drop_empty_classes(roster)
    roster.last_imported_at, roster.last_imported_by = now, actor
    roster.save()
    record_event(
        actor=actor,
        action="consent.roster_imported",
        target=roster,
        org_unit=org_unit,
        details={
            "school_year": school_year,
            "format": result.parsed.kind,
            "new": result.counts["new"],
            "changed": result.counts["changed"],
            "unchanged": result.counts["unchanged"],
            "removed": removed,
        },
    )
    return result
