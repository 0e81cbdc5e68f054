"""Every change to the consent roster, and every read of it that must be on record: one function per verb.

Each service is keyword-only and atomic: it checks who may act (selectors), locks what two people may
change at once, changes it, and writes exactly one audit event. Audit events name a student only by its
record id (Student.__str__) and never hold a name, a student number or a search term: the trail outlives
the roster (docs/privacy.md). Refusals raise ConsentError (NotPermitted for a 403) with a message for
the person who clicked.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import OrgUnit, User
from audit.services import record_event
from core.errors import DomainError, NotPermitted
from core.http import safe_csv_cell

from . import importing, rules, selectors
from .models import USE_FIELDS, Consent, Roster, SchoolClass, Student


class ConsentError(DomainError):
    """A refused roster action; str(error) is shown to the user as it is."""


def _require_keeper(actor: User, org_unit_id: int) -> None:
    if not selectors.can_keep(actor, org_unit_id):
        raise NotPermitted("Only the school's principal and its designated office staff keep the consent roster.")


def _check_year(school_year: int) -> None:
    if school_year not in rules.years_open_for_rosters():
        labels = " or ".join(rules.school_year_label(y) for y in rules.years_open_for_rosters())
        raise ConsentError(f"Rosters are kept for {labels} only.", problems={"school_year": "Choose another year."})


def _roster(org_unit: OrgUnit, school_year: int) -> Roster:
    """The roster of a unit and year, created on first use; locked so two imports cannot interleave."""
    roster, _ = Roster.objects.get_or_create(org_unit=org_unit, school_year=school_year)
    return Roster.objects.select_for_update().get(pk=roster.pk)


def _classes(roster: Roster, names: Iterable[str]) -> list[SchoolClass]:
    """The roster's classes of these names (case-insensitive), created when new."""
    existing = {c.name.lower(): c for c in roster.classes.all()}
    result = []
    for name in names:
        school_class = existing.get(name.lower())
        if school_class is None:
            school_class = existing[name.lower()] = SchoolClass.objects.create(roster=roster, name=name)
        result.append(school_class)
    return result


def _drop_empty_classes(roster: Roster) -> None:
    roster.classes.annotate(n=Count("students")).filter(n=0).delete()


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
        raise ConsentError(f"Nothing was imported: {n} problem{'s' if n != 1 else ''} to fix first (see the preview).")
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


# --- Editing one student ----------------------------------------------------------------------------------


def _clean_classes(names: Iterable[str]) -> list[str]:
    return importing._unique_classes(names)


def _answers_changed(student: Student, answers: dict[str, str]) -> list[str]:
    return [use for use in USE_FIELDS if use in answers and getattr(student, use) != answers[use]]


def _validate_answers(answers: dict[str, str]) -> None:
    for use, state in answers.items():
        if use not in USE_FIELDS or state not in Consent.values:
            raise ConsentError("Choose consented, refused or not returned for each use.")


@transaction.atomic
def add_student(
    *,
    actor: User,
    org_unit: OrgUnit,
    school_year: int,
    school_identifier: str,
    display_name: str,
    grade: str = "",
    classes: Iterable[str] = (),
    answers: dict[str, str] | None = None,
    consent_date: datetime.date | None = None,
) -> Student:
    """Put a student on the roster by hand (a new arrival). Who: the school's keepers. One audit event."""
    _require_keeper(actor, org_unit.pk)
    _check_year(school_year)
    answers = dict(answers or {})
    _validate_answers(answers)
    roster = _roster(org_unit, school_year)
    identifier = school_identifier.strip()
    if roster.students.filter(school_identifier__iexact=identifier).exists():
        raise ConsentError(
            "A student with this number is already on the roster.",
            problems={"school_identifier": "Already on the roster: edit that student instead."},
        )
    student = Student.objects.create(
        roster=roster,
        school_identifier=identifier,
        display_name=" ".join(display_name.split()),
        grade=grade.strip(),
        consent_date=consent_date or (timezone.localdate() if answers else None),
        recorded_by=actor if answers else None,
        recorded_at=timezone.now() if answers else None,
        **answers,
    )
    student.classes.set(_classes(roster, _clean_classes(classes)))
    record_event(
        actor=actor,
        action="consent.student_added",
        target=student,
        org_unit=org_unit,
        details={"school_year": school_year, **{use: getattr(student, use) for use in USE_FIELDS}},
    )
    return student


@transaction.atomic
def update_student(
    *,
    actor: User,
    student_id: int,
    display_name: str,
    grade: str,
    classes: Iterable[str],
    answers: dict[str, str],
    consent_date: datetime.date | None = None,
) -> Student:
    """Record a returned form or correct a student's details. Who: the school's keepers.

    Changing an answer stamps who recorded it and when (the date of the answer defaults to today).
    Side effect: one audit event listing the fields changed and the new answers (never the name).
    """
    student = Student.objects.select_for_update().select_related("roster").filter(pk=student_id).first()
    if student is None:
        raise ConsentError("This student is no longer on the roster.")
    _require_keeper(actor, student.roster.org_unit_id)
    _validate_answers(answers)
    # Classes are shared by the roster's students: lock it, as imports do, before creating any.
    student.roster = Roster.objects.select_for_update().get(pk=student.roster_id)
    name, grade, new_classes = " ".join(display_name.split()), grade.strip(), _clean_classes(classes)
    changed = [f for f, value in (("display_name", name), ("grade", grade)) if getattr(student, f) != value]
    if {c.name.lower() for c in student.classes.all()} != {c.lower() for c in new_classes}:
        changed.append("classes")
    changed_answers = _answers_changed(student, answers)
    changed += changed_answers
    if changed_answers or (consent_date and consent_date != student.consent_date):
        student.consent_date = consent_date or timezone.localdate()
        student.recorded_by, student.recorded_at = actor, timezone.now()
        changed.append("consent_date")
    if not changed:
        return student
    student.display_name, student.grade = name, grade
    for use in changed_answers:
        setattr(student, use, answers[use])
    student.save()
    student.classes.set(_classes(student.roster, new_classes))
    _drop_empty_classes(student.roster)
    record_event(
        actor=actor,
        action="consent.recorded",
        target=student,
        org_unit=student.roster.org_unit,
        details={"changed": changed, **{use: getattr(student, use) for use in USE_FIELDS}},
    )
    return student


@transaction.atomic
def remove_student(*, actor: User, student_id: int) -> None:
    """Take a student who left the school off the roster (nothing of them is kept). One audit event."""
    student = Student.objects.select_for_update().select_related("roster__org_unit").filter(pk=student_id).first()
    if student is None:
        raise ConsentError("This student is no longer on the roster.")
    roster = student.roster
    _require_keeper(actor, roster.org_unit_id)
    record_event(
        actor=actor,
        action="consent.student_removed",
        target=student,
        org_unit=roster.org_unit,
        details={"school_year": roster.school_year},
    )
    student.delete()
    _drop_empty_classes(roster)


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
        raise NotPermitted("Only staff of this school can check its consent roster.")
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
        raise NotPermitted("Only the school's principal can export its consent roster.")
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
