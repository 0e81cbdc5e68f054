"""Adding, changing and removing one student of a roster."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import OrgUnit, User
from audit.services import record_event

from .. import importing
from ..models import USE_FIELDS, Consent, Roster, Student
from ._common import ConsentError, _check_year, _classes, _drop_empty_classes, _require_keeper, _roster

# --- Editing one student ----------------------------------------------------------------------------------


def _clean_classes(names: Iterable[str]) -> list[str]:
    return importing._unique_classes(names)


def _answers_changed(student: Student, answers: dict[str, str]) -> list[str]:
    return [use for use in USE_FIELDS if use in answers and getattr(student, use) != answers[use]]


def _validate_answers(answers: dict[str, str]) -> None:
    for use, state in answers.items():
        if use not in USE_FIELDS or state not in Consent.values:
            raise ConsentError(gettext("Choose consented, refused or not returned for each use."))


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
            gettext("A student with this number is already on the roster."),
            problems={"school_identifier": gettext("Already on the roster: edit that student instead.")},
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
        raise ConsentError(gettext("This student is no longer on the roster."))
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
        raise ConsentError(gettext("This student is no longer on the roster."))
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
