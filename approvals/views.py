"""Account request screens: thin views that fetch through approvals.selectors and call approvals.services.

Every object is fetched through `requests_visible_to`, so a request outside the user's scope is a
404 whatever its id; a visible request the user may not act on answers 403. State changes are
POST-only, and a refused transition comes back as a message on the request's page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import is_approver, units_employing
from audit.models import AuditEvent
from catalogue.models import Platform
from core.once import one_time_form

from . import selectors, services
from .acknowledgements import active_statements, versions_of
from .forms import AccountRequestForm, DecisionForm, WithdrawForm, initial_values
from .models import AccountRequest

PAGE_SIZE = 20

# How each audit action reads on the request's timeline.
TIMELINE_LABELS = {
    "request.created": gettext_lazy("Started the request as a draft"),
    "request.updated": gettext_lazy("Edited the request"),
    "request.submitted": gettext_lazy("Submitted the request for a decision"),
    "request.approved": gettext_lazy("Approved the request"),
    "request.rejected": gettext_lazy("Rejected the request"),
    "request.changes_requested": gettext_lazy("Asked for changes"),
    "request.withdrawn": gettext_lazy("Withdrew the request"),
}


def _field_label(name: str) -> str:
    if name == "acknowledgements":
        return _("statements")
    try:
        return str(AccountRequest._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _acknowledgements(account_request: AccountRequest) -> list[dict]:
    """The recorded acknowledgements in the order the form asks them now, each with the wording it
    was given for (its own copy) and the policy version that wording belongs to."""
    acks = list(account_request.acknowledgements.all())
    order = {s.code: i for i, s in enumerate(active_statements())}
    versions = versions_of((a.statement, a.statement_version) for a in acks)
    acks.sort(key=lambda a: (order.get(a.statement, len(order)), a.statement))
    rows = []
    for ack in acks:
        version = versions.get((ack.statement, ack.statement_version))
        rows.append(
            {"ack": ack, "statement": version, "wording": ack.statement_text or getattr(version, "wording", "")}
        )
    return rows


def _get_visible(request, pk: int) -> AccountRequest:
    return get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)


def _get_own(request, pk: int) -> AccountRequest:
    """The requester's own request: outsiders get 404, approvers who may see it get 403."""
    account_request = _get_visible(request, pk)
    if account_request.requester_id != request.user.pk:
        raise PermissionDenied(_("Only the person who wrote this request can change it."))
    return account_request


def _timeline(account_request: AccountRequest) -> list[dict]:
    events = AuditEvent.objects.for_object(account_request).select_related("actor").order_by("created_at", "id")
    timeline = []
    for event in events:
        details = event.details or {}
        label = TIMELINE_LABELS.get(event.action, event.action)
        if event.action == "request.submitted" and details.get("resubmission"):
            label = _("Submitted the request again, with the changes")
        timeline.append(
            {
                "when": event.created_at,
                "who": event.actor.short_name if event.actor else _("The portal"),
                "action": event.action,
                "label": label,
                "comment": details.get("comment") or details.get("reason") or "",
                "fields": [_field_label(name) for name in details.get("fields") or []],
            }
        )
    return timeline


# --- Lists ---------------------------------------------------------------------------------------------


@login_required
def my_requests(request):
    """The employee's own requests, filterable by status."""
    qs = selectors.requests_of(request.user)
    status = request.GET.get("status", "")
    if status in AccountRequest.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/mine.html",
        {
            "page": page,
            "status": status,
            "statuses": AccountRequest.Status.choices,
            "can_request": units_employing(request.user).exists(),
        },
    )


@login_required
def queue(request):
    """Approver's queue: waiting for my decision (oldest first), or recently decided."""
    if not is_approver(request.user):
        raise PermissionDenied(_("The decision queue is for principals, supervisors and district admins."))
    show = "decided" if request.GET.get("show") == "decided" else "waiting"
    if show == "decided":
        qs = selectors.requests_recently_decided_for(request.user)
    else:
        qs = selectors.requests_awaiting_decision_by(request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "approvals/queue.html",
        {
            "page": page,
            "show": show,
            "now": timezone.now(),
            "waiting_count": selectors.requests_awaiting_decision_by(request.user).count(),
        },
    )


# --- Writing a request ------------------------------------------------------------------------------


def _intent(request) -> str:
    return AccountRequestForm.SUBMIT if request.POST.get("action") == "submit" else AccountRequestForm.DRAFT


def _save_and_maybe_submit(request, form, account_request=None):
    """Save the draft, then submit it when asked. Returns the response."""
    try:
        if account_request is None:
            account_request = services.create_draft(
                requester=request.user, values=form.values(), acknowledged=form.acknowledged()
            )
        else:
            account_request = services.update_draft(
                account_request=account_request,
                user=request.user,
                values=form.values(),
                acknowledged=form.acknowledged(),
            )
    except services.WorkflowError as error:
        for field, message in error.problems.items():
            form.add_error(field if field in form.fields else None, message)
        if not error.problems:
            form.add_error(None, str(error))
        return None
    if form.intent != AccountRequestForm.SUBMIT:
        messages.success(
            request, _("Draft “%(title)s” saved. Submit it when it is complete.") % {"title": account_request.title}
        )
        return redirect("approvals:detail", pk=account_request.pk)
    try:
        services.submit_request(account_request=account_request, user=request.user, language=request.LANGUAGE_CODE)
    except services.WorkflowError as error:
        messages.warning(
            request,
            _("Your changes were saved as a draft, but the request was not submitted: %(error)s") % {"error": error},
        )
        return redirect("approvals:edit", pk=account_request.pk)
    messages.success(
        request,
        _(
            "“%(title)s” was submitted. Your principal or supervisor has been told; "
            "do not set up the account before it is approved (AP 1311 §1.4.6)."
        )
        % {"title": account_request.title},
    )
    return redirect("approvals:detail", pk=account_request.pk)


@login_required
@one_time_form("request")
def create(request):
    if not units_employing(request.user).exists():
        messages.info(
            request,
            _(
                "You are not listed as staff of any school or department yet, so you cannot request an account. "
                "Ask a district admin to add you to your unit."
            ),
        )
        return redirect("approvals:mine")
    if request.method == "POST":
        form = AccountRequestForm(request.POST, user=request.user, intent=_intent(request))
        if form.is_valid():
            response = _save_and_maybe_submit(request, form)
            if response is not None:
                return response
    else:
        form = AccountRequestForm(user=request.user, initial=initial_values(request.user))
    return render(request, "approvals/form.html", _form_context(form, None))


@login_required
@one_time_form("request")
def edit(request, pk: int):
    account_request = _get_own(request, pk)
    if not account_request.is_editable:
        messages.warning(
            request,
            _("“%(title)s” can no longer be edited: it is %(status)s.")
            % {"title": account_request.title, "status": account_request.get_status_display().lower()},
        )
        return redirect("approvals:detail", pk=account_request.pk)
    if request.method == "POST":
        form = AccountRequestForm(request.POST, instance=account_request, user=request.user, intent=_intent(request))
        if form.is_valid():
            response = _save_and_maybe_submit(request, form, account_request)
            if response is not None:
                return response
    else:
        form = AccountRequestForm(instance=account_request, user=request.user)
    return render(request, "approvals/form.html", _form_context(form, account_request))


def _form_context(form, account_request):
    return {
        "form": form,
        "account_request": account_request,
        "platforms_with_rules": Platform.objects.approved().exclude(rules_url=""),
    }


# --- One request ------------------------------------------------------------------------------------


@login_required
def detail(request, pk: int):
    account_request = _get_visible(request, pk)
    acknowledgements = _acknowledgements(account_request)
    is_requester = account_request.requester_id == request.user.pk
    return render(
        request,
        "approvals/detail.html",
        {
            "account_request": account_request,
            "acknowledgements": acknowledgements,
            "timeline": _timeline(account_request),
            "is_requester": is_requester,
            "can_decide": selectors.can_decide(request.user, account_request),
            "is_decider": selectors.is_decider_for(request.user, account_request),
            "withdraw_form": WithdrawForm() if is_requester and account_request.is_withdrawable else None,
        },
    )


@login_required
@require_POST
@one_time_form("request")
def submit(request, pk: int):
    account_request = _get_own(request, pk)
    try:
        services.submit_request(account_request=account_request, user=request.user, language=request.LANGUAGE_CODE)
    except services.WorkflowError as error:
        messages.error(request, str(error))
        if account_request.is_editable and error.problems:
            return redirect("approvals:edit", pk=account_request.pk)
        return redirect("approvals:detail", pk=account_request.pk)
    messages.success(
        request,
        _("“%(title)s” was submitted. Your principal or supervisor has been told.") % {"title": account_request.title},
    )
    return redirect("approvals:detail", pk=account_request.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    account_request = _get_own(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_request(account_request=account_request, user=request.user, reason=reason)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("“%(title)s” was withdrawn.") % {"title": account_request.title})
    return redirect("approvals:detail", pk=account_request.pk)


DECISIONS = {
    DecisionForm.APPROVE: (
        services.approve_request,
        gettext_lazy("You approved “%(title)s”. %(requester)s has been told."),
    ),
    DecisionForm.CHANGES: (
        services.request_changes,
        gettext_lazy("You asked for changes on “%(title)s”. %(requester)s has been told."),
    ),
    DecisionForm.REJECT: (
        services.reject_request,
        gettext_lazy("You rejected “%(title)s”. %(requester)s has been told."),
    ),
}


@login_required
@one_time_form("decision")
def decide(request, pk: int):
    """The decision page: the whole request, its statements, and approve / ask for changes / reject."""
    account_request = _get_visible(request, pk)
    if not selectors.is_decider_for(request.user, account_request):
        if account_request.requester_id == request.user.pk:
            raise PermissionDenied(_("You cannot decide your own request (AP 1311 §1.4.6)."))
        raise PermissionDenied(_("Only a principal or supervisor of this unit can decide this request."))
    if account_request.status != AccountRequest.Status.SUBMITTED and request.method != "POST":
        messages.info(
            request,
            _("“%(title)s” is not waiting for a decision: it is %(status)s.")
            % {"title": account_request.title, "status": account_request.get_status_display().lower()},
        )
        return redirect("approvals:detail", pk=account_request.pk)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        service, success = DECISIONS[form.cleaned_data["decision"]]
        try:
            service(account_request=account_request, user=request.user, comment=form.cleaned_data["comment"])
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("approvals:detail", pk=account_request.pk)
        messages.success(
            request, str(success) % {"title": account_request.title, "requester": account_request.requester.short_name}
        )
        return redirect("approvals:queue")
    return render(
        request,
        "approvals/decide.html",
        {
            "account_request": account_request,
            "form": form,
            "acknowledgements": _acknowledgements(account_request),
            "timeline": _timeline(account_request),
        },
    )
