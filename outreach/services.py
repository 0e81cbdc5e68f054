"""Every state change of outreach: one function per verb.

Each runs in one transaction: lock the row where two people may act at once, check the guard and
the caller's role, change, write one audit event, notify (e-mails leave after commit). Problems
a user can fix or should know about raise OutreachError with a message meant for them.

The reminder sweeps live in sweeps.py.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from accounts.selectors import approvers_of
from audit.services import record_event
from core.errors import DomainError
from notifications.services import notify

from . import rules, selectors
from .models import InquiryUpdate, MediaInquiry, PersonalUseAttestation, SchoolEvent
from .statements import ATTESTATION_CODES, ATTESTATION_VERSION, EVENT_ANNOUNCEMENT_VERSION


class OutreachError(DomainError):
    """A refused outreach action; str(error) is shown to the user as is."""


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")  # names and order suit English and French


# --- Media inquiries (§1.5.1) ----------------------------------------------------------------------


@transaction.atomic
def log_inquiry(
    *,
    user: User,
    org_unit: OrgUnit,
    received_via: str,
    outlet: str,
    contact_name: str,
    question: str,
    deadline: datetime,
    contact_details: str = "",
    registry_entry=None,
) -> MediaInquiry:
    """An employee refers a media inquiry to the communications manager (§1.5.1).

    Who: any member of `org_unit`. Side effects: one audit event; every active communications
    manager (district admins when there is none) is notified at once by e-mail, and the unit's
    approvers for information. Never routed to the person who logged it.
    """
    if not selectors.is_member_of(user, org_unit.pk):
        raise OutreachError(_("You can only log inquiries for a school or department you belong to."))
    if registry_entry is not None:
        from registry.selectors import entries_of

        if registry_entry.org_unit_id != org_unit.pk or not entries_of(user).filter(pk=registry_entry.pk).exists():
            raise OutreachError(_("Choose one of your own registered accounts of this school or department."))
        received_via = received_via.strip() or str(registry_entry)
    if not received_via.strip():
        raise OutreachError(_("Say which site or account the inquiry came through."))
    inquiry = MediaInquiry.objects.create(
        logged_by=user,
        org_unit=org_unit,
        registry_entry=registry_entry,
        received_via=received_via.strip(),
        outlet=outlet.strip(),
        contact_name=contact_name.strip(),
        contact_details=contact_details.strip(),
        question=question.strip(),
        deadline=deadline,
    )
    InquiryUpdate.objects.create(inquiry=inquiry, action=InquiryUpdate.Action.LOGGED, author=user)
    record_event(actor=user, action="inquiry.logged", target=inquiry, org_unit=org_unit, details={"outlet": outlet})

    url = reverse("outreach:inquiry_detail", args=[inquiry.pk])
    context = {"inquiry": inquiry, "deadline": _when(inquiry.deadline), "logged_by": user}
    handlers = selectors.inquiry_handlers(exclude=user)
    for handler in handlers:
        notify(recipient=handler, kind="inquiry.logged", context=context, url=url)
    for approver in approvers_of(org_unit):
        if approver.pk == user.pk or approver in handlers:
            continue
        notify(recipient=approver, kind="inquiry.logged_fyi", context=context, url=url)
    return inquiry


def _locked_inquiry(inquiry_id: int) -> MediaInquiry:
    try:
        return MediaInquiry.objects.select_for_update().get(pk=inquiry_id)
    except MediaInquiry.DoesNotExist:
        raise OutreachError(_("This inquiry no longer exists.")) from None


def _check_handler(user: User, inquiry: MediaInquiry) -> None:
    if inquiry.logged_by_id == user.pk:
        raise OutreachError(_("You logged this inquiry, so another communications manager must handle it."))
    if not selectors.can_handle_inquiry(user, inquiry):
        raise OutreachError(_("Only the communications manager can act on media inquiries."))


def _handled(*, user: User, inquiry: MediaInquiry, action: str, note: str) -> MediaInquiry:
    """Shared tail of the three handling verbs: history row, audit event, message to the employee."""
    inquiry.handled_by = user
    inquiry.save()
    InquiryUpdate.objects.create(inquiry=inquiry, action=action, note=note, author=user)
    record_event(
        actor=user,
        action=f"inquiry.{action}",
        target=inquiry,
        org_unit=inquiry.org_unit,
        details={"note": note} if note else {},
    )
    notify(
        recipient=inquiry.logged_by,
        kind=f"inquiry.{action}",
        context={"inquiry": inquiry, "handler": user, "note": note},
        url=reverse("outreach:inquiry_detail", args=[inquiry.pk]),
    )
    return inquiry


@transaction.atomic
def acknowledge_inquiry(*, user: User, inquiry_id: int, note: str = "") -> MediaInquiry:
    """The communications manager takes the inquiry over. From: new. Notifies the employee."""
    inquiry = _locked_inquiry(inquiry_id)
    _check_handler(user, inquiry)
    if not inquiry.can_be_acknowledged():
        raise OutreachError(_("This inquiry is already %(status)s.") % {"status": inquiry.get_status_display().lower()})
    inquiry.status = MediaInquiry.Status.ACKNOWLEDGED
    inquiry.acknowledged_at = timezone.now()
    return _handled(user=user, inquiry=inquiry, action=InquiryUpdate.Action.ACKNOWLEDGED, note=note.strip())


@transaction.atomic
def respond_to_inquiry(*, user: User, inquiry_id: int, note: str) -> MediaInquiry:
    """Record that the district answered the outlet, and how. From: new or acknowledged. A note is required."""
    inquiry = _locked_inquiry(inquiry_id)
    _check_handler(user, inquiry)
    if not inquiry.can_be_responded_to():
        raise OutreachError(_("This inquiry is already %(status)s.") % {"status": inquiry.get_status_display().lower()})
    if not note.strip():
        raise OutreachError(_("Say briefly how the district responded."))
    now = timezone.now()
    inquiry.status = MediaInquiry.Status.RESPONDED
    inquiry.acknowledged_at = inquiry.acknowledged_at or now
    inquiry.responded_at = now
    return _handled(user=user, inquiry=inquiry, action=InquiryUpdate.Action.RESPONDED, note=note.strip())


@transaction.atomic
def close_inquiry(*, user: User, inquiry_id: int, note: str) -> MediaInquiry:
    """Close the inquiry with a note for the employee. From: any open state. Final."""
    inquiry = _locked_inquiry(inquiry_id)
    _check_handler(user, inquiry)
    if not inquiry.can_be_closed():
        raise OutreachError(_("This inquiry is already closed."))
    if not note.strip():
        raise OutreachError(_("Add a short note for the employee when closing an inquiry."))
    now = timezone.now()
    inquiry.status = MediaInquiry.Status.CLOSED
    inquiry.acknowledged_at = inquiry.acknowledged_at or now
    inquiry.closed_at = now
    return _handled(user=user, inquiry=inquiry, action=InquiryUpdate.Action.CLOSED, note=note.strip())


# --- School events (§3.1) --------------------------------------------------------------------------


@transaction.atomic
def schedule_event(
    *,
    user: User,
    org_unit: OrgUnit,
    title: str,
    starts_at: datetime,
    organiser: User,
    location: str = "",
    classes: Iterable[str] = (),
    grades: Iterable[str] = (),
) -> SchoolEvent:
    """Record an upcoming assembly or event parents are invited to (§3.1).

    `classes` and `grades` name who takes part, as the school's consent roster does: the organiser's
    reminder then says how many of them have no photo consent (§1.3.6).
    Who: an employee or approver of the school; the organiser must belong to it too. Side effects:
    one audit event; the organiser is told when someone else recorded the event for them.
    """
    if not selectors.units_for_events(user).filter(pk=org_unit.pk).exists():
        raise OutreachError(_("You can only record events for a school you belong to."))
    if not organiser.is_active or not selectors.is_member_of(organiser, org_unit.pk):
        raise OutreachError(
            _("%(person)s is not on the staff of %(unit)s.") % {"person": organiser.short_name, "unit": org_unit}
        )
    if starts_at <= timezone.now():
        raise OutreachError(_("Record events before they start: the reminder has to reach the organiser in time."))
    event = SchoolEvent.objects.create(
        org_unit=org_unit,
        title=title.strip(),
        starts_at=starts_at,
        location=location.strip(),
        organiser=organiser,
        created_by=user,
        classes_taking_part=_names(classes),
        grades_taking_part=_names(grades),
    )
    record_event(
        actor=user,
        action="event.scheduled",
        target=event,
        org_unit=org_unit,
        details={
            "starts_at": timezone.localtime(starts_at).isoformat(timespec="minutes"),
            "organiser": organiser.email,
            **({"taking_part": event.taking_part_label} if event.names_who_takes_part else {}),
        },
    )
    if organiser.pk != user.pk:
        notify(
            recipient=organiser,
            kind="event.scheduled",
            context={"event": event, "starts": _when(starts_at), "recorded_by": user},
            url=reverse("outreach:event_detail", args=[event.pk]),
        )
    return event


def _names(values: Iterable[str]) -> list[str]:
    """Class or grade names, trimmed, each once (whatever the case)."""
    seen: dict[str, str] = {}
    for value in values:
        value = " ".join(str(value).split())[:100]
        if value and value.lower() not in seen:
            seen[value.lower()] = value
    return list(seen.values())


def _locked_event(event_id: int) -> SchoolEvent:
    try:
        return SchoolEvent.objects.select_for_update().get(pk=event_id)
    except SchoolEvent.DoesNotExist:
        raise OutreachError(_("This event no longer exists.")) from None


@transaction.atomic
def confirm_event_announcement(*, user: User, event_id: int) -> SchoolEvent:
    """The organiser confirms the no-photo reminder was read out to parents (§3.1).

    From: scheduled, not yet confirmed, and the first reminder is due (confirming weeks ahead would
    prove nothing). Who: the organiser only. Side effect: one audit event.
    """
    event = _locked_event(event_id)
    if not selectors.can_confirm_announcement(user, event):
        raise OutreachError(_("Only the event's organiser can confirm the announcement."))
    if event.is_cancelled:
        raise OutreachError(_("This event was cancelled."))
    if event.is_confirmed:
        raise OutreachError(_("The announcement for this event is already confirmed."))
    opens = rules.first_reminder_time(event.starts_at)
    if timezone.now() < opens:
        raise OutreachError(_("You can confirm from %(when)s, when the reminder goes out.") % {"when": _when(opens)})
    event.announcement_confirmed_at = timezone.now()
    event.announcement_version = EVENT_ANNOUNCEMENT_VERSION
    event.save()
    record_event(actor=user, action="event.announcement_confirmed", target=event, org_unit=event.org_unit)
    return event


@transaction.atomic
def cancel_event(*, user: User, event_id: int) -> SchoolEvent:
    """Cancel an event that has not started; no more reminders. Who: organiser, creator or the school's approver."""
    event = _locked_event(event_id)
    if not selectors.can_cancel_event(user, event):
        raise OutreachError(_("Only the organiser, whoever recorded the event, or the principal can cancel it."))
    if event.is_cancelled:
        raise OutreachError(_("This event is already cancelled."))
    if event.starts_at <= timezone.now():
        raise OutreachError(_("This event has already started; it can no longer be cancelled."))
    event.status = SchoolEvent.Status.CANCELLED
    event.save()
    record_event(actor=user, action="event.cancelled", target=event, org_unit=event.org_unit)
    if event.organiser_id != user.pk:
        notify(
            recipient=event.organiser,
            kind="event.cancelled",
            context={"event": event, "starts": _when(event.starts_at), "cancelled_by": user},
            url=reverse("outreach:event_detail", args=[event.pk]),
        )
    return event


# --- Attestation (§2, §4.2) ------------------------------------------------------------------------


@transaction.atomic
def attest_personal_use(*, user: User, statements: Iterable[str]) -> PersonalUseAttestation:
    """Record the user's confirmation of the personal-use rules for the current school year.

    Every statement of the current version must be confirmed. Once per person per school year
    (a unique constraint makes a double submit harmless). Side effect: one audit event.
    """
    confirmed = set(statements)
    if confirmed != set(ATTESTATION_CODES):
        raise OutreachError(_("Please confirm every statement."))
    year = rules.current_school_year()
    try:
        with transaction.atomic():
            attestation = PersonalUseAttestation.objects.create(
                user=user, school_year=year, statement_version=ATTESTATION_VERSION, statements=list(ATTESTATION_CODES)
            )
    except IntegrityError:
        raise OutreachError(
            _("You already confirmed the personal-use rules for %(year)s.") % {"year": rules.school_year_label(year)}
        ) from None
    record_event(
        actor=user,
        action="attestation.confirmed",
        target=attestation,
        details={"school_year": year, "version": ATTESTATION_VERSION},
    )
    return attestation
