"""Who may see and do what in outreach: the one place that answers it.

- Media inquiries (§1.5.1): the employee sees the ones they logged; communications managers and
  district admins see all; approvers see their units' inquiries, read-only. Only a communications
  manager acts on an inquiry (district admins too, as a fallback), never the person who logged it.
- School events (§3.1): members of the unit (employees and approvers) see its events; district admins see all.
- Attestations (§2): everyone active with a membership in an active unit confirms once per school year.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import is_approver_of, units_approved_by
from consent import rules as consent_rules
from consent import selectors as consent_selectors

from . import rules
from .models import MediaInquiry, PersonalUseAttestation, SchoolEvent

# --- Media inquiries -------------------------------------------------------------------------------


def is_inquiry_handler(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_communications_manager or user.is_district_admin)


def inquiries_visible_to(user: User) -> QuerySet[MediaInquiry]:
    if not user.is_authenticated:
        return MediaInquiry.objects.none()
    qs = MediaInquiry.objects.select_related("logged_by", "org_unit", "handled_by")
    if is_inquiry_handler(user):
        return qs
    return qs.filter(Q(logged_by=user) | Q(org_unit__in=units_approved_by(user))).distinct()


def can_handle_inquiry(user: User, inquiry: MediaInquiry) -> bool:
    """Acknowledge, respond or close: a communications manager, never the one who logged it (§1.5.1)."""
    return is_inquiry_handler(user) and inquiry.logged_by_id != user.pk


def inquiry_handlers(*, exclude: User | None = None) -> list[User]:
    """Who an inquiry is routed to: every active communications manager; district admins if there is none."""
    managers = User.objects.filter(is_active=True, is_communications_manager=True)
    admins = User.objects.filter(is_active=True, is_district_admin=True)
    if exclude is not None:
        managers, admins = managers.exclude(pk=exclude.pk), admins.exclude(pk=exclude.pk)
    return list(managers) or list(admins)


def inquiries_waiting_for(user: User) -> QuerySet[MediaInquiry]:
    """Inquiries not yet acknowledged that this person should act on (oldest deadline first)."""
    if not is_inquiry_handler(user):
        return MediaInquiry.objects.none()
    return (
        MediaInquiry.objects.filter(status=MediaInquiry.Status.NEW)
        .exclude(logged_by=user)
        .select_related("org_unit", "logged_by")
        .order_by("deadline", "id")
    )


def units_for_logging(user: User) -> QuerySet[OrgUnit]:
    """Units on whose behalf the user may log an inquiry or record an event: those they belong to."""
    if not user.is_authenticated:
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(is_active=True, memberships__user=user).distinct()


# --- School events ---------------------------------------------------------------------------------


def units_for_events(user: User) -> QuerySet[OrgUnit]:
    """Schools in which the user may record events (§3.1 concerns events at schools)."""
    return units_for_logging(user).filter(kind=OrgUnit.Kind.SCHOOL)


def events_visible_to(user: User) -> QuerySet[SchoolEvent]:
    if not user.is_authenticated:
        return SchoolEvent.objects.none()
    qs = SchoolEvent.objects.select_related("org_unit", "organiser", "created_by")
    if user.is_district_admin:
        return qs
    return qs.filter(Q(organiser=user) | Q(org_unit__in=OrgUnit.objects.filter(memberships__user=user))).distinct()


def possible_organisers(units) -> QuerySet[User]:
    return User.objects.filter(is_active=True, memberships__org_unit__in=units).distinct()


def is_member_of(user: User, org_unit_id: int) -> bool:
    return Membership.objects.filter(user=user, org_unit_id=org_unit_id).exists()


def can_confirm_announcement(user: User, event: SchoolEvent) -> bool:
    return user.is_authenticated and event.organiser_id == user.pk


def can_cancel_event(user: User, event: SchoolEvent) -> bool:
    return user.is_authenticated and (
        user.pk in (event.organiser_id, event.created_by_id) or is_approver_of(user, event.org_unit_id)
    )


def events_to_confirm(user: User, now: datetime | None = None) -> list[SchoolEvent]:
    """The user's events whose reminder has gone out and whose announcement is not confirmed yet.

    Events that started more than a week ago drop off (the list is for today's work, not an archive).
    """
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    candidates = SchoolEvent.objects.filter(
        organiser=user,
        status=SchoolEvent.Status.SCHEDULED,
        announcement_confirmed_at__isnull=True,
        starts_at__gte=now - timezone.timedelta(days=7),
    ).select_related("org_unit")
    return [e for e in candidates if rules.first_reminder_time(e.starts_at) <= now]


def event_consent_summary(event: SchoolEvent) -> dict:
    """What the organiser's reminder says of the consent of those taking part (§1.3.6, beside §3.1).

    A count only, never a name: the link opens the teacher's check, where names are shown to staff of the
    school and the look-up is audited. `has_roster` is false when the school has no roster that year.
    """
    if not event.names_who_takes_part:
        return {"taking_part": ""}
    year = consent_rules.school_year_of(timezone.localdate(event.starts_at))
    query = urlencode(
        {
            "unit": event.org_unit_id,
            "year": year,
            "school_class": event.classes_taking_part,
            "grade": event.grades_taking_part,
        },
        doseq=True,
    )
    counts = consent_selectors.photo_consent_counts(
        event.org_unit_id, year, classes=event.classes_taking_part, grades=event.grades_taking_part
    )
    return {
        "taking_part": event.taking_part_label,
        "has_roster": counts is not None,
        "students": counts[0] if counts else 0,
        "no_photo": counts[1] if counts else 0,
        "consent_url": f"{reverse('consent:check')}?{query}",
    }


# --- Attestations ----------------------------------------------------------------------------------


def staff_required_to_attest() -> QuerySet[User]:
    """Active users with a membership in an active unit: the employees §2 speaks to."""
    return User.objects.filter(is_active=True, memberships__org_unit__is_active=True).distinct()


def attestation_for(user: User, school_year: int) -> PersonalUseAttestation | None:
    if not user.is_authenticated:
        return None
    return PersonalUseAttestation.objects.filter(user=user, school_year=school_year).first()


def attestation_due(user: User, school_year: int | None = None) -> bool:
    """True when the user must confirm this school year and has not."""
    if not user.is_authenticated:
        return False
    year = school_year if school_year is not None else rules.current_school_year()
    return (
        staff_required_to_attest().filter(pk=user.pk).exists()
        and not PersonalUseAttestation.objects.filter(user=user, school_year=year).exists()
    )


@dataclass
class UnitCompletion:
    unit: OrgUnit
    total: int
    confirmed: int
    pending: list[User]

    @property
    def rate(self) -> int:
        """Whole percentage; 100 only when everyone confirmed (199 of 200 shows 99, not 100)."""
        if not self.total:
            return 100
        rate = round(100 * self.confirmed / self.total)
        return min(rate, 99) if self.confirmed < self.total else rate


def attestation_completion(user: User, school_year: int) -> list[UnitCompletion]:
    """Completion of the attestation in each unit the user approves (§2): confirmed, total, who is missing."""
    units = list(units_approved_by(user).filter(is_active=True).order_by("name"))
    if not units:
        return []
    members = (
        Membership.objects.filter(org_unit__in=units, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    attested = set(
        PersonalUseAttestation.objects.filter(school_year=school_year, user__memberships__org_unit__in=units)
        .values_list("user_id", flat=True)
        .distinct()
    )
    people: dict[int, dict[int, User]] = {u.pk: {} for u in units}
    for m in members:
        people[m.org_unit_id][m.user_id] = m.user
    result = []
    for unit in units:
        staff = people[unit.pk]
        result.append(
            UnitCompletion(
                unit=unit,
                total=len(staff),
                confirmed=sum(1 for pk in staff if pk in attested),
                pending=[u for pk, u in staff.items() if pk not in attested],
            )
        )
    return result
