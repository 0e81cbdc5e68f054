"""Thin views: fetch through registry/selectors.py (outsiders get 404, members who may not act 403),
call a service, say what happened."""

from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from approvals.selectors import requests_visible_to
from audit.models import AuditEvent
from core.converters import is_valid_id
from core.http import csv_response

from . import selectors, services, verification
from .filters import RegistryFilter
from .forms import (
    CoAdminAddForm,
    CredentialsForm,
    EnforcementForm,
    ImportConfirmForm,
    ImportUploadForm,
    OfficialCheckForm,
    RegisterForm,
    RevealForm,
    ReviewForm,
    TransferForm,
)
from .models import RegistryEntry

PAGE_SIZE = 25


def _entry(request, pk: int) -> RegistryEntry:
    return get_object_or_404(selectors.entries_visible_to(request.user), pk=pk)


def _require(allowed: bool, message: str = "") -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- lists -----------------------------------------------------------------------------------------------------


@login_required
def registry_list(request):
    """The approver's §1.4.5 list of their units (district admins: every unit; comms: public accounts)."""
    user = request.user
    _require(selectors.can_view_registry(user), "The registry is kept by principals and supervisors.")
    filterset = RegistryFilter(request.GET or None, queryset=selectors.registry_entries_for_list(user), user=user)
    entries = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else RegistryEntry.objects.none()
    entries = entries.prefetch_related("co_admins").defer("password")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/list.html",
        {
            "filter": filterset,
            "page": page,
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_import": selectors.can_import(user),
            "can_export": selectors.can_export(user),
            "read_only": not selectors.can_import(user),
            "today": timezone.localdate(),
        },
    )


@login_required
def my_accounts(request):
    """The employee's accounts (owned or co-administered) and approved requests still to register."""
    entries = selectors.entries_of(request.user).prefetch_related("co_admins").defer("password")
    return render(
        request,
        "registry/mine.html",
        {
            "current": [e for e in entries if e.status != RegistryEntry.Status.REMOVED],
            "removed": [e for e in entries if e.status == RegistryEntry.Status.REMOVED],
            "to_register": selectors.requests_to_register(request.user),
            "today": timezone.localdate(),
        },
    )


# --- one account -----------------------------------------------------------------------------------------------


@login_required
def entry_detail(request, pk: int):
    entry = _entry(request, pk)
    user = request.user
    can_history = selectors.can_see_history(user, entry)
    history = AuditEvent.objects.for_object(entry).select_related("actor") if can_history else AuditEvent.objects.none()
    context = {
        "entry": entry,
        "co_admins": entry.co_admins.all(),
        "can_see_login": selectors.can_see_login_details(user, entry),
        "can_reveal": selectors.can_reveal(user, entry),
        "reveal_needs_reason": selectors.reveal_needs_reason(user, entry),
        "reveal_blocked_by_mfa": selectors.reveal_needs_mfa(user) and not selectors.has_mfa(user),
        "can_edit_credentials": selectors.can_edit_credentials(user, entry),
        "can_manage": selectors.can_manage(user, entry),
        "can_transfer": selectors.can_transfer(user, entry),
        "can_manage_co_admins": selectors.can_manage_co_admins(user, entry),
        "can_review": selectors.can_review(user, entry),
        "can_see_history": can_history,
        "history": history[:100],
        "enforcement": entry.enforcement_actions.select_related("actor") if can_history else [],
        "reviews": entry.reviews.select_related("reviewed_by")[:10] if can_history else [],
        "password_changes": entry.password_changes.select_related("changed_by")[:10] if can_history else [],
    }
    if context["can_reveal"]:
        context["reveal_form"] = RevealForm(reason_required=context["reveal_needs_reason"])
    if context["can_manage_co_admins"]:
        context["co_admin_form"] = CoAdminAddForm(entry=entry)
    return render(request, "registry/detail.html", context)


@sensitive_post_parameters("password")
@sensitive_variables("form")
@login_required
def register(request, request_pk: int):
    """Register the account an approved request set up (the requester, or an approver of the unit)."""
    account_request = get_object_or_404(requests_visible_to(request.user), pk=request_pk)
    existing = selectors.entry_of_request(account_request)
    if existing is not None:
        messages.info(request, "This account is already registered.")
        return redirect("registry:detail", pk=existing.pk)
    if not selectors.can_register(request.user, account_request):
        raise PermissionDenied(selectors.registration_refusal(request.user, account_request))
    form = RegisterForm(request.POST or None, account_request=account_request)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.register_account(actor=request.user, account_request=account_request, **form.cleaned_data)
        except services.RegistryError as error:
            # Each rule's message at its field where the form has one (the rules: services.entry_problems).
            for name, message in (error.problems or {None: str(error)}).items():
                form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, f"{entry} is registered. Your principal or supervisor has been told.")
            return redirect("registry:detail", pk=entry.pk)
    return render(request, "registry/register.html", {"form": form, "account_request": account_request})


@sensitive_post_parameters("password")
@sensitive_variables("form", "data")
@login_required
def credentials(request, pk: int):
    entry = _entry(request, pk)
    _require(selectors.can_edit_credentials(request.user, entry))
    initial = {
        "login_username": entry.login_username,
        "login_email": entry.login_email,
        "recovery_email": entry.recovery_email,
    }
    form = CredentialsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_credentials(actor=request.user, entry=entry, **data)
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "Password recorded (encrypted)." if data.get("password") else "Login details updated."
            )
            return redirect("registry:detail", pk=entry.pk)
    return render(request, "registry/credentials.html", {"form": form, "entry": entry})


@never_cache
@sensitive_variables("revealed", "response")
@login_required
@require_POST
def reveal(request, pk: int):
    """Show the login details once: recent re-authentication, MFA for approvers, a reason for break-glass."""
    entry = _entry(request, pk)
    user = request.user
    _require(selectors.can_reveal(user, entry))
    if selectors.reveal_needs_mfa(user) and not selectors.has_mfa(user):
        messages.error(
            request,
            "Set up two-factor authentication first: principals, supervisors and district admins need it "
            "to view account passwords.",
        )
        return redirect("registry:detail", pk=entry.pk)
    form = RevealForm(request.POST, reason_required=selectors.reveal_needs_reason(user, entry))
    if not form.is_valid():
        messages.error(request, "Say why you need the login details: you do not administer this account.")
        return redirect("registry:detail", pk=entry.pk)
    if not did_recently_reauthenticate(request):
        # allauth's middleware keeps this POST, asks for the password, then replays it here.
        raise ReauthenticationRequired()
    try:
        revealed = services.reveal_credentials(
            actor=user, entry=entry, reason=form.cleaned_data["reason"], reauthenticated=True
        )
    except services.RegistryError as error:
        messages.error(request, str(error))
        return redirect("registry:detail", pk=entry.pk)
    response = render(request, "registry/reveal.html", {"entry": entry, "revealed": revealed})
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
def enforce(request, pk: int):
    """Disable, remove, reactivate or leave feedback, always with a reason (§1.4.2)."""
    entry = _entry(request, pk)
    _require(selectors.can_manage(request.user, entry), "Only the unit's principal or supervisor can do this.")
    form = EnforcementForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["action"]
        try:
            services.ENFORCEMENT_SERVICES[kind](actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            done = {
                "feedback": "Feedback sent",
                "disable": "Account disabled",
                "remove": "Account removed (it stays in the registry as history)",
                "reactivate": "Account reactivated",
            }[kind]
            messages.success(request, f"{done}. The owner has been told.")
            return redirect("registry:detail", pk=entry.pk)
    return render(request, "registry/enforce.html", {"form": form, "entry": entry})


@login_required
def transfer(request, pk: int):
    entry = _entry(request, pk)
    _require(selectors.can_transfer(request.user, entry), "Only the unit's principal or supervisor can transfer.")
    form = TransferForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_ownership(
                actor=request.user,
                entry=entry,
                new_owner=form.cleaned_data["new_owner"],
                note=form.cleaned_data["note"],
            )
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{form.cleaned_data['new_owner'].short_name} now owns {entry}. Ask them to record a new password.",
            )
            return redirect("registry:detail", pk=entry.pk)
    return render(request, "registry/transfer.html", {"form": form, "entry": entry})


@login_required
@require_POST
def co_admins(request, pk: int):
    """Add (`user`) or remove (`remove`) a co-administrator."""
    entry = _entry(request, pk)
    _require(selectors.can_manage_co_admins(request.user, entry))
    try:
        if "remove" in request.POST:
            user = (
                entry.co_admins.filter(pk=request.POST["remove"]).first()
                if is_valid_id(request.POST["remove"])
                else None
            )
            if user is None:
                messages.error(request, "That person is not a co-administrator of this account.")
                return redirect("registry:detail", pk=entry.pk)
            services.remove_co_admin(actor=request.user, entry=entry, user=user)
            messages.success(
                request, f"{user.short_name} no longer administers this account. Record a new password now."
            )
        else:
            form = CoAdminAddForm(request.POST, entry=entry)
            if not form.is_valid():
                messages.error(request, "Choose a staff member of the unit to add.")
                return redirect("registry:detail", pk=entry.pk)
            services.add_co_admin(actor=request.user, entry=entry, user=form.cleaned_data["user"])
            messages.success(request, f"{form.cleaned_data['user'].short_name} is now a co-administrator.")
    except (services.RegistryError, ValueError) as error:
        messages.error(request, str(error) or "That did not work.")
    return redirect("registry:detail", pk=entry.pk)


@login_required
@require_POST
def review(request, pk: int):
    """The owner confirms the site is current, or asks to decommission it (§1.2.1.3)."""
    entry = _entry(request, pk)
    _require(selectors.can_review(request.user, entry))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        if "note" in form.errors:
            messages.error(request, f"The review note was not saved: {' '.join(form.errors['note'])}")
        else:
            messages.error(request, "Choose whether the site is current or should be decommissioned.")
        return redirect("registry:detail", pk=entry.pk)
    outcome, note = form.cleaned_data["outcome"], form.cleaned_data["note"]
    try:
        if outcome == "decommission":
            services.request_decommission(actor=request.user, entry=entry, note=note)
            messages.success(request, "Your principal or supervisor has been asked to decommission this account.")
        else:
            review_ = services.confirm_review(actor=request.user, entry=entry, note=note)
            due = date_format(review_.entry.next_review_due, "N j, Y")
            messages.success(request, f"Thank you: review recorded. The next one is due {due}.")
    except services.RegistryError as error:
        messages.error(request, str(error))
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("registry:detail", pk=entry.pk)


# --- import and export ----------------------------------------------------------------------------------------


@sensitive_post_parameters("payload")
@sensitive_variables("csv_text", "result", "context", "uploaded", "upload_form")
@login_required
def import_csv(request):
    """Upload → preview with per-row errors → confirm (all rows or none)."""
    _require(selectors.can_import(request.user), "Only principals, supervisors and district admins can import.")
    upload_form = ImportUploadForm()
    context = {"upload_form": upload_form, "columns": services.IMPORT_COLUMNS}
    if request.method == "POST" and "payload" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise services.RegistryError("This preview has expired: upload the file again.")
            csv_text, name = services.unseal_import(request.user, confirm.cleaned_data["payload"])
            result = services.import_registry_csv(actor=request.user, csv_text=csv_text, dry_run=False, source=name)
        except services.RegistryError as error:
            messages.error(request, str(error))
            return redirect("registry:import")
        messages.success(request, f"Imported {len(result.created)} account{'s' if len(result.created) != 1 else ''}.")
        return redirect("registry:list")
    if request.method == "POST":
        upload_form = ImportUploadForm(request.POST, request.FILES)
        context["upload_form"] = upload_form
        if upload_form.is_valid():
            uploaded = upload_form.cleaned_data["file"]
            try:
                csv_text = services.read_csv_upload(uploaded)
                result = services.import_registry_csv(actor=request.user, csv_text=csv_text, dry_run=True)
            except services.RegistryError as error:
                upload_form.add_error("file", str(error))
            else:
                context.update(
                    preview=result,
                    file_name=uploaded.name,
                    confirm_form=ImportConfirmForm(
                        initial={"payload": services.seal_import(request.user, csv_text, uploaded.name)}
                    )
                    if result.ok
                    else None,
                )
                if result.ok:
                    messages.info(request, f"{len(result.rows)} row(s) ready. Nothing is saved until you confirm.")
                else:
                    messages.warning(request, "Fix the problems below and upload the file again. Nothing was saved.")
    response = render(request, "registry/import.html", context)
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
def export_csv(request):
    """The registry list as CSV, with the same filters, without any secret; audited."""
    user = request.user
    _require(selectors.can_export(user), "Only principals, supervisors and district admins can export.")
    filterset = RegistryFilter(request.GET or None, queryset=selectors.registry_entries_for_list(user), user=user)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "Those filters are not valid.")
        return redirect("registry:list")
    filters = {k: v for k, v in request.GET.items() if v}
    return csv_response(
        "registry",
        lambda writer: services.export_registry_csv(actor=user, entries=filterset.qs, writer=writer, filters=filters),
    )


# --- the public check -------------------------------------------------------------------------------------------


def _over_rate_limit(request) -> bool:
    """Fixed one-minute window per client address, in the shared cache (works across web processes)."""
    limit = getattr(settings, "OFFICIAL_CHECK_RATE_PER_MINUTE", 20)
    window = int(timezone.now().timestamp() // 60)
    key = f"registry:official-check:{request.META.get('REMOTE_ADDR', '')}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count > limit


def official_check(request):
    """ "Is this an official account?": public, no sign-in. Answers only whether a handle or link is a
    registered, active, public-network district account, and of which unit."""
    form = OfficialCheckForm(request.GET or None)
    context = {"form": form, "searched": False}
    if form.is_bound:
        if _over_rate_limit(request):
            return render(request, "429.html", status=429)
        if form.is_valid():
            answer = verification.verify(form.cleaned_data["q"])  # the API's `verify` gives the same answer
            context.update(
                searched=True,
                query=answer.query,
                results=[a for a in answer.accounts if a.status == "official"],
                retired=[a for a in answer.accounts if a.status == "retired"],
            )
    return render(request, "registry/official_check.html", context)
