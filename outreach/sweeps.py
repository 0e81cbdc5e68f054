"""Outreach's reminder sweeps: overdue media inquiries (§1.5.1), the parents' no-photo reminder
before events (§3.1) and the yearly personal-use attestation (§2). Each is safe to run twice."""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Membership
from core.i18n import override_for
from notifications.sweeps import Planned, SweepResult, deliver, district_today, moment_of, sweep

from . import rules, selectors
from .models import MediaInquiry, PersonalUseAttestation, SchoolEvent
from .statements import EVENT_ANNOUNCEMENT


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


def plan_overdue_inquiry_reminders(now: datetime) -> SweepResult:
    """Inquiries past their deadline and not acknowledged: one reminder per inquiry, handler and local day."""
    day = timezone.localdate(now)
    overdue = list(
        MediaInquiry.objects.filter(status=MediaInquiry.Status.NEW, deadline__lt=now)
        .select_related("org_unit", "logged_by")
        .order_by("deadline")
    )
    result = SweepResult("overdue_inquiries", day, counts={"overdue_inquiries": len(overdue)})
    for inquiry in overdue:
        for handler in selectors.inquiry_handlers(exclude=inquiry.logged_by):
            with override_for(handler):  # the date's day and month names, in the recipient's language
                deadline = _when(inquiry.deadline)
            result.planned.append(
                Planned.of(
                    recipient=handler,
                    kind="reminder.inquiry_overdue",
                    context={"inquiry": inquiry, "deadline": deadline},
                    url=reverse("outreach:inquiry_detail", args=[inquiry.pk]),
                    dedupe_key=f"outreach.inquiry_overdue:{inquiry.pk}:{handler.pk}:{day.isoformat()}",
                )
            )
    return result


@sweep("overdue_inquiries")
def overdue_inquiries(day: date) -> SweepResult:
    return plan_overdue_inquiry_reminders(moment_of(day))


def remind_overdue_inquiries(*, now: datetime | None = None, dry_run: bool = False) -> SweepResult:
    """Remind communications managers of overdue inquiries; at most once a day per inquiry (§1.5.1)."""
    return deliver(plan_overdue_inquiry_reminders(now or timezone.now()), dry_run=dry_run)


def _consent_context(event: SchoolEvent) -> dict:
    summary = selectors.event_consent_summary(event)
    if summary.get("consent_url"):
        summary["consent_link"] = f"{settings.PORTAL_BASE_URL}{summary['consent_url']}"
    return summary


def plan_event_reminders(now: datetime) -> SweepResult:
    """Organisers of upcoming events whose reminder time has come (§3.1).

    For each scheduled, unconfirmed event that has not started: the lead times whose local reminder
    time has passed are due; only the shortest of them is sent, so a sweep that was down for a while
    catches up with one reminder rather than several. The dedupe key holds the event, the lead time
    and the start time: once per event and lead time, and again after the event is moved.
    """
    hours = rules.event_reminder_hours()
    result = SweepResult("event_reminders", timezone.localdate(now))
    if not hours:
        return result
    horizon = now + timezone.timedelta(hours=hours[0] + 2)  # +2: a DST change shifts wall-clock lead times
    upcoming = SchoolEvent.objects.filter(
        status=SchoolEvent.Status.SCHEDULED,
        announcement_confirmed_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=horizon,
    ).select_related("organiser", "org_unit")
    for event in upcoming:
        due = [h for h in hours if rules.event_reminder_time(event.starts_at, h) <= now]
        if not due:
            continue
        lead = min(due)
        stamp = int(event.starts_at.timestamp())
        with override_for(event.organiser):  # dates and "grades 4, 5" in the organiser's language
            context = {
                "event": event,
                "starts": _when(event.starts_at),
                "announcement": EVENT_ANNOUNCEMENT,
                **_consent_context(event),
            }
        result.planned.append(
            Planned.of(
                recipient=event.organiser,
                kind="reminder.event_announcement",
                context=context,
                url=reverse("outreach:event_detail", args=[event.pk]),
                dedupe_key=f"outreach.event_reminder:{event.pk}:{lead}h:{stamp}",
            )
        )
    result.counts["events_due"] = len(result.planned)
    return result


@sweep("event_reminders")
def event_reminders(day: date) -> SweepResult:
    return plan_event_reminders(moment_of(day))


def send_event_reminders(*, now: datetime | None = None, dry_run: bool = False) -> SweepResult:
    """Send due event reminders; once per event and lead time, in district time (§3.1)."""
    return deliver(plan_event_reminders(now or timezone.now()), dry_run=dry_run)


@sweep("attestations")
def plan_attestation_reminders(day: date) -> SweepResult:
    """Staff who have not confirmed the personal-use rules this school year (§2).

    Each person's cycle starts on the school-year start (or the day they joined a unit, if later).
    On that day they are asked; every N days afterwards (OUTREACH_ATTESTATION_REMINDER_DAYS) they are
    reminded. The dedupe key holds the school year and the period number, so each is sent once.
    """
    year = rules.school_year_of(day)
    year_start = rules.school_year_start(year)
    every = rules.attestation_reminder_days()
    # A subquery, not a list of ids: tens of thousands have confirmed in a large district (issue 19).
    done = PersonalUseAttestation.objects.filter(school_year=year).values("user_id")
    staff = selectors.staff_required_to_attest().exclude(pk__in=done)
    result = SweepResult("attestations", day, counts={"not_confirmed": 0})
    joined: dict[int, date] = {}
    for user_id, created_at in (
        Membership.objects.filter(user__in=staff).values_list("user_id", "created_at").order_by("created_at")
    ):
        joined.setdefault(user_id, timezone.localdate(created_at))
    label = rules.school_year_label(year)
    url = reverse("outreach:attestation")
    context = {"label": label}  # one object for all: rendered once per language (notifications.sweeps)
    for user in staff:
        result.counts["not_confirmed"] += 1
        starts = max(year_start, joined.get(user.pk, year_start))
        if day < starts:
            continue
        period = (day - starts).days // every
        result.planned.append(
            Planned.of(
                recipient=user,
                kind="attestation.requested" if period == 0 else "reminder.attestation",
                context=context,
                url=url,
                dedupe_key=f"outreach.attestation:{user.pk}:{year}:{period}",
            )
        )
    return result


def remind_pending_attestations(*, day: date | None = None, dry_run: bool = False) -> SweepResult:
    """Ask (on the first day) and remind (every N days) staff who have not confirmed this school year."""
    return deliver(plan_attestation_reminders(day or district_today()), dry_run=dry_run)
