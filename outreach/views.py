"""Thin views: fetch through selectors (outsiders get 404), call a service, say what happened."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import OrgUnit
from core.once import one_time_form

from . import rules, selectors, services
from .filters import EventFilter, InquiryFilter
from .forms import AttestationForm, EventForm, InquiryForm, InquiryNoteForm
from .statements import ATTESTATION_STATEMENTS, ATTESTATION_VERSION, EVENT_ANNOUNCEMENT

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Media inquiries (§1.5.1) ----------------------------------------------------------------------


@login_required
def inquiry_list(request):
    user = request.user
    # Approvers are members too (with the approver role), so their units are in units_for_logging.
    units = OrgUnit.objects.all() if selectors.is_inquiry_handler(user) else selectors.units_for_logging(user)
    filterset = InquiryFilter(request.GET, queryset=selectors.inquiries_visible_to(user), units=units)
    inquiries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = _page(request, inquiries)
    return render(
        request,
        "outreach/inquiry_list.html",
        {
            "filter": filterset,
            "page": page,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "is_handler": selectors.is_inquiry_handler(user),
            "can_log": selectors.units_for_logging(user).exists(),
            "now": timezone.now(),
        },
    )


@login_required
@one_time_form("inquiry")
def inquiry_create(request):
    if not selectors.units_for_logging(request.user).exists():
        raise PermissionDenied(_("Only staff of a school or department can log media inquiries."))
    form = InquiryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = services.log_inquiry(user=request.user, **form.cleaned_data)
        except services.OutreachError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Thank you: the communications manager has been told and will take it from here.")
            )
            return redirect("outreach:inquiry_detail", pk=inquiry.pk)
    return render(request, "outreach/inquiry_form.html", {"form": form})


@login_required
def inquiry_detail(request, pk: int):
    inquiry = get_object_or_404(selectors.inquiries_visible_to(request.user), pk=pk)
    return render(
        request,
        "outreach/inquiry_detail.html",
        {
            "inquiry": inquiry,
            "updates": inquiry.updates.select_related("author"),
            "can_handle": selectors.can_handle_inquiry(request.user, inquiry),
            "note_form": InquiryNoteForm(),
            "overdue": inquiry.is_overdue(timezone.now()),
        },
    )


def _handle_inquiry(request, pk: int, verb, success: str):
    inquiry = get_object_or_404(selectors.inquiries_visible_to(request.user), pk=pk)
    if not selectors.can_handle_inquiry(request.user, inquiry):
        raise PermissionDenied(_("Only a communications manager who did not log this inquiry can act on it."))
    form = InquiryNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        verb(user=request.user, inquiry_id=inquiry.pk, note=note)
    except services.OutreachError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("outreach:inquiry_detail", pk=inquiry.pk)


@login_required
@require_POST
def inquiry_acknowledge(request, pk: int):
    return _handle_inquiry(request, pk, services.acknowledge_inquiry, "Acknowledged: the employee can see you have it.")


@login_required
@require_POST
def inquiry_respond(request, pk: int):
    return _handle_inquiry(request, pk, services.respond_to_inquiry, "Response recorded.")


@login_required
@require_POST
def inquiry_close(request, pk: int):
    return _handle_inquiry(request, pk, services.close_inquiry, "Inquiry closed. The employee has been told.")


# --- School events (§3.1) --------------------------------------------------------------------------


@login_required
def event_list(request):
    user = request.user
    data = request.GET.copy()
    data.setdefault("when", "upcoming")
    units = OrgUnit.objects.all() if user.is_district_admin else selectors.units_for_events(user)
    filterset = EventFilter(data, queryset=selectors.events_visible_to(user), units=units)
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = _page(request, events)
    return render(
        request,
        "outreach/event_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_record": selectors.units_for_events(user).exists(),
            "now": timezone.now(),
        },
    )


@login_required
@one_time_form("event")
def event_create(request):
    if not selectors.units_for_events(request.user).exists():
        raise PermissionDenied(_("Only staff of a school can record its events."))
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.schedule_event(user=request.user, **form.cleaned_data)
        except services.OutreachError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(event)s is recorded. The organiser will be reminded before it starts.") % {"event": event.title},
            )
            return redirect("outreach:event_detail", pk=event.pk)
    return render(request, "outreach/event_form.html", {"form": form})


@login_required
def event_detail(request, pk: int):
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    now = timezone.now()
    hours = rules.event_reminder_hours()
    return render(
        request,
        "outreach/event_detail.html",
        {
            "event": event,
            "announcement": EVENT_ANNOUNCEMENT,
            "is_organiser": selectors.can_confirm_announcement(request.user, event),
            "can_cancel": selectors.can_cancel_event(request.user, event)
            and not event.is_cancelled
            and event.starts_at > now,
            "confirm_opens": rules.first_reminder_time(event.starts_at),
            "confirm_open": rules.first_reminder_time(event.starts_at) <= now,
            "reminder_times": [rules.event_reminder_time(event.starts_at, h) for h in hours],
            "consent": selectors.event_consent_summary(event),
        },
    )


@login_required
@require_POST
def event_confirm(request, pk: int):
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    if not selectors.can_confirm_announcement(request.user, event):
        raise PermissionDenied(_("Only the event's organiser can confirm the announcement."))
    try:
        services.confirm_event_announcement(user=request.user, event_id=event.pk)
    except services.OutreachError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: the announcement is recorded as read out."))
    return redirect("outreach:event_detail", pk=event.pk)


@login_required
@require_POST
def event_cancel(request, pk: int):
    event = get_object_or_404(selectors.events_visible_to(request.user), pk=pk)
    if not selectors.can_cancel_event(request.user, event):
        raise PermissionDenied(_("Only the organiser, whoever recorded the event, or the principal can cancel it."))
    try:
        services.cancel_event(user=request.user, event_id=event.pk)
    except services.OutreachError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Event cancelled. No reminder will be sent."))
    return redirect("outreach:event_detail", pk=event.pk)


# --- Attestation (§2, §4.2) ------------------------------------------------------------------------


@login_required
@one_time_form("confirmation")
def attestation(request):
    user = request.user
    year = rules.current_school_year()
    form = AttestationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.attest_personal_use(user=user, statements=form.confirmed_codes())
            except services.OutreachError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("Thank you: your confirmation for %(year)s is recorded.")
                    % {"year": rules.school_year_label(year)},
                )
            return redirect("outreach:attestation")
        messages.error(request, _("Please confirm every statement."))
    return render(
        request,
        "outreach/attestation.html",
        {
            "form": form,
            "year_label": rules.school_year_label(year),
            "mine": selectors.attestation_for(user, year),
            "required": selectors.staff_required_to_attest().filter(pk=user.pk).exists(),
            "statements": ATTESTATION_STATEMENTS,
            "version": ATTESTATION_VERSION,
            "completion": selectors.attestation_completion(user, year),
        },
    )
