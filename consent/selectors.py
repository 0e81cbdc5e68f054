"""Who sees which students: the one place that answers it for the consent roster (§1.3.6).

- Staff of a school (any membership: employee, approver, consent clerk) run the teacher's check on
  their own school's roster: who may not appear, and for what. Nothing else about students.
- The school's approvers and its consent clerks (designated office staff) keep the roster: import,
  add, edit, remove. Only approvers export it and read the look-up log.
- District-wide roles (district admin, communications manager) see no student unless they are also
  staff of that school: need-to-know (docs/privacy.md). Outsiders get 404, members who may not act 403.
"""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import Membership, OrgUnit, User
from audit.models import AuditEvent

from . import rules
from .models import Consent, Roster, SchoolClass, Student

KEEPER_ROLES = (Membership.Role.APPROVER, Membership.Role.CONSENT_CLERK)
# Audit actions that record someone reading student data: the approver's look-up log.
LOOKUP_ACTIONS = ("consent.looked_up", "consent.roster_viewed", "consent.exported")


def _units(user: User, roles: Iterable[str] | None = None) -> QuerySet[OrgUnit]:
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return OrgUnit.objects.filter(is_active=True, pk__in=memberships.values("org_unit_id"))


def units_checkable_by(user: User) -> QuerySet[OrgUnit]:
    """Schools whose roster the user may check before posting: those they work in."""
    return _units(user)


def units_kept_by(user: User) -> QuerySet[OrgUnit]:
    """Schools whose roster the user keeps: as approver or designated consent clerk."""
    return _units(user, KEEPER_ROLES)


def units_approved_by(user: User) -> QuerySet[OrgUnit]:
    """Schools for which the user is the approver: export and the look-up log."""
    return _units(user, [Membership.Role.APPROVER])


def can_check(user: User) -> bool:
    return units_checkable_by(user).exists()


def can_keep_any(user: User) -> bool:
    return units_kept_by(user).exists()


def can_keep(user: User, org_unit_id: int) -> bool:
    return units_kept_by(user).filter(pk=org_unit_id).exists()


def can_export(user: User, org_unit_id: int) -> bool:
    return units_approved_by(user).filter(pk=org_unit_id).exists()


def can_view_lookups(user: User) -> bool:
    return units_approved_by(user).exists()


# --- Rosters and students ----------------------------------------------------------------------------


def rosters_visible_to(user: User) -> QuerySet[Roster]:
    """Rosters of the schools the user works in (the check); keeping them is asked separately."""
    return Roster.objects.filter(org_unit__in=units_checkable_by(user)).select_related("org_unit")


def rosters_kept_by(user: User) -> QuerySet[Roster]:
    return Roster.objects.filter(org_unit__in=units_kept_by(user)).select_related("org_unit")


def rosters_with_counts(rosters: QuerySet[Roster]) -> QuerySet[Roster]:
    no = ~Q(students__photo_video=Consent.CONSENTED)
    return rosters.annotate(
        student_count=Count("students", distinct=True),
        no_photo_count=Count("students", filter=no, distinct=True),
        not_returned_count=Count(
            "students",
            filter=Q(students__photo_video=Consent.NOT_RETURNED)
            | Q(students__name_use=Consent.NOT_RETURNED)
            | Q(students__work_samples=Consent.NOT_RETURNED),
            distinct=True,
        ),
    ).order_by("org_unit__name", "-school_year")


def students_kept_by(user: User) -> QuerySet[Student]:
    return Student.objects.filter(roster__in=rosters_kept_by(user)).select_related("roster__org_unit", "recorded_by")


def roster_of(org_unit_id: int, school_year: int) -> Roster | None:
    return Roster.objects.filter(org_unit_id=org_unit_id, school_year=school_year).first()


def checkable_roster(user: User, org_unit_id: int, school_year: int | None = None) -> Roster | None:
    """The roster a member checks: their school's, for the current school year or the next one."""
    year = school_year if school_year is not None else rules.current_school_year()
    if year not in rules.years_open_for_rosters():
        return None
    return rosters_visible_to(user).filter(org_unit_id=org_unit_id, school_year=year).first()


def classes_of(roster: Roster) -> list[SchoolClass]:
    return list(roster.classes.order_by(Lower("name"), "id"))


def grades_of(roster: Roster) -> list[str]:
    grades = set(roster.students.exclude(grade="").values_list("grade", flat=True).distinct())
    return sorted(grades, key=_grade_order)


def _grade_order(grade: str):
    """K before 1 before 10: kindergarten first, then numbers as numbers, then anything else."""
    text = grade.strip().upper()
    if text in ("K", "KF", "KG", "KINDERGARTEN"):
        return (0, 0, text)
    if text.isdigit():
        return (1, int(text), text)
    return (2, 0, text)


def students_taking_part(
    roster: Roster, *, classes: Iterable[str] = (), grades: Iterable[str] = ()
) -> QuerySet[Student]:
    """Students in any of the named classes (case-insensitive) or grades; none when neither is named."""
    condition = Q()
    for name in {c.strip().lower() for c in classes if c.strip()}:
        condition |= Q(classes__name__iexact=name)
    grade_list = [g.strip() for g in grades if g.strip()]
    if grade_list:
        condition |= Q(grade__in=grade_list)
    if not condition:
        return Student.objects.none()
    return roster.students.filter(condition).distinct()


def without_full_consent(students: QuerySet[Student]) -> QuerySet[Student]:
    """Those who may not appear in at least one way (§1.3.6: only an explicit yes counts)."""
    return students.filter(
        ~Q(photo_video=Consent.CONSENTED) | ~Q(name_use=Consent.CONSENTED) | ~Q(work_samples=Consent.CONSENTED)
    )


def without_photo_consent(students: QuerySet[Student]) -> QuerySet[Student]:
    return students.exclude(photo_video=Consent.CONSENTED)


MAX_SEARCH_TERMS = 10
MIN_SEARCH_LENGTH = 2
MAX_SEARCH_RESULTS = 25


def search_terms(text: str) -> list[str]:
    """Names separated by commas, semicolons or line breaks; short or repeated ones dropped."""
    terms: list[str] = []
    for raw in text.replace(";", ",").replace("\n", ",").split(","):
        term = " ".join(raw.split())
        if len(term) >= MIN_SEARCH_LENGTH and term.lower() not in {t.lower() for t in terms}:
            terms.append(term)
    return terms[:MAX_SEARCH_TERMS]


def search_students(roster: Roster, terms: Iterable[str]) -> list[Student]:
    """A few students by name (each term matches part of a display name), capped at MAX_SEARCH_RESULTS."""
    condition = Q()
    for term in terms:
        condition |= Q(display_name__icontains=term)
    if not condition:
        return []
    return list(roster.students.filter(condition).prefetch_related("classes")[:MAX_SEARCH_RESULTS])


# --- For the event reminder (outreach, §3.1) ---------------------------------------------------------


def class_names(org_unit_id: int, school_year: int) -> list[str]:
    return list(
        SchoolClass.objects.filter(roster__org_unit_id=org_unit_id, roster__school_year=school_year)
        .order_by("name")
        .values_list("name", flat=True)
    )


def grade_names(org_unit_id: int, school_year: int) -> list[str]:
    roster = roster_of(org_unit_id, school_year)
    return grades_of(roster) if roster else []


def photo_consent_counts(
    org_unit_id: int, school_year: int, *, classes: Iterable[str], grades: Iterable[str]
) -> tuple[int, int] | None:
    """(students in the named classes or grades, how many of them have no photo consent); None without a
    roster. Counts only: the organiser's reminder says how many, the check page (audited) says who."""
    roster = roster_of(org_unit_id, school_year)
    if roster is None:
        return None
    taking_part = students_taking_part(roster, classes=classes, grades=grades)
    return taking_part.count(), without_photo_consent(taking_part).count()


# --- The look-up log -----------------------------------------------------------------------------------


def lookups_visible_to(user: User) -> QuerySet[AuditEvent]:
    """Who read which school's consent answers, when: for that school's approvers only."""
    return (
        AuditEvent.objects.filter(action__in=LOOKUP_ACTIONS, org_unit__in=units_approved_by(user))
        .select_related("actor", "org_unit")
        .order_by("-created_at", "-id")
    )
