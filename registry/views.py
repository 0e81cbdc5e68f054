"""Thin views: fetch through registry/selectors.py (outsiders get 404, members who may not act 403),
call a service, say what happened."""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.reauthentication import suspend_request
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from approvals.selectors import requests_visible_to
from audit.models import AuditEvent
from core.converters import is_valid_id
from core.http import csv_response
from core.once import one_time_form
from core.ratelimit import over_rate_limit

from . import selectors, services, two_factor, verification
from .filters import RegistryFilter
from .forms import (
    CoAdminAddForm,
    ConfirmImportForm,
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


def _back_to(request, entry: RegistryEntry):
    """Where a page reached from elsewhere (an offboarding case: `?next=`) returns after the work: that
    local path, never an outside site or a bare word redirect() would take for a URL name; else the account."""
    target = request.GET.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("registry:detail", pk=entry.pk)


# --- lists -----------------------------------------------------------------------------------------------------


@login_required
def registry_list(request):
    """The approver's §1.4.5 list of their units (district admins: every unit; comms: public accounts)."""
    user = request.user
    _require(selectors.can_view_registry(user), _("The registry is kept by principals and supervisors."))
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
            "to_confirm": selectors.entries_to_confirm(user).count(),
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
    has_mfa = selectors.has_mfa(user)
    if has_mfa:
        two_factor.forget_return(request, entry)  # a set-up started here is done
    context = {
        "entry": entry,
        "co_admins": entry.co_admins.all(),
        "in_registry": selectors.can_view_registry(user),
        "can_see_login": selectors.can_see_login_details(user, entry),
        "can_reveal": selectors.can_reveal(user, entry),
        "reveal_needs_reason": selectors.reveal_needs_reason(user, entry),
        "reveal_blocked_by_mfa": selectors.reveal_needs_mfa(user) and not has_mfa,
        "reveal_asks_code": selectors.reveal_needs_second_factor(user),
        "can_edit_credentials": selectors.can_edit_credentials(user, entry),
        "can_manage": selectors.can_manage(user, entry),
        "can_transfer": selectors.can_transfer(user, entry),
        "can_manage_co_admins": selectors.can_manage_co_admins(user, entry),
        "can_review": selectors.can_review(user, entry),
        "can_confirm_import": selectors.can_confirm_import(user, entry),
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
    if context["can_confirm_import"]:
        context["confirm_form"] = ConfirmImportForm()
    return render(request, "registry/detail.html", context)


@sensitive_post_parameters("password")
@sensitive_variables("form")
@login_required
@one_time_form("account")
def register(request, request_pk: int):
    """Register the account an approved request set up (the requester, or an approver of the unit)."""
    account_request = get_object_or_404(requests_visible_to(request.user), pk=request_pk)
    existing = selectors.entry_of_request(account_request)
    if existing is not None:
        messages.info(request, _("This account is already registered."))
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
            messages.success(
                request, _("%(entry)s is registered. Your principal or supervisor has been told.") % {"entry": entry}
            )
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
                request, _("Password recorded (encrypted).") if data.get("password") else _("Login details updated.")
            )
            return _back_to(request, entry)
    return render(request, "registry/credentials.html", {"form": form, "entry": entry})


@never_cache
@sensitive_variables("revealed", "response")
@login_required
@require_POST
def reveal(request, pk: int):
    """Show the login details once: a recent sign-in or re-authentication (with the second factor for
    approvers, admins and anyone enrolled), MFA enrolled for approvers, a reason for break-glass.
    The service decides from this session's authentication records; this view only asks for the
    re-authentication that is missing."""
    entry = _entry(request, pk)
    user = request.user
    _require(selectors.can_reveal(user, entry))
    if selectors.reveal_needs_mfa(user) and not selectors.has_mfa(user):
        messages.error(
            request,
            _(
                "Set up two-factor authentication first: principals, supervisors and district admins need it "
                "to view account passwords."
            ),
        )
        return redirect("registry:detail", pk=entry.pk)
    form = RevealForm(request.POST, reason_required=selectors.reveal_needs_reason(user, entry))
    if not form.is_valid():
        messages.error(request, _("Say why you need the login details: you do not administer this account."))
        return redirect("registry:detail", pk=entry.pk)
    records = get_authentication_records(request, user)
    if not selectors.recently_authenticated(user, records):
        # allauth keeps this POST, asks for the code (or the password), then replays it here.
        if selectors.reveal_needs_second_factor(user):
            messages.info(
                request,
                _("Enter a code from your authenticator app to view the login details of %(entry)s.")
                % {"entry": entry},
            )
            return suspend_request(request, reverse("mfa_reauthenticate"))
        messages.info(request, _("Confirm your password to view the login details of %(entry)s.") % {"entry": entry})
        return suspend_request(request, reverse("account_reauthenticate"))
    try:
        revealed = services.reveal_credentials(
            actor=user, entry=entry, reason=form.cleaned_data["reason"], authentication_records=records
        )
    except services.RegistryError as error:
        messages.error(request, str(error))
        return redirect("registry:detail", pk=entry.pk)
    response = render(request, "registry/reveal.html", {"entry": entry, "revealed": revealed})
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
def setup_two_factor(request, pk: int):
    """Two-factor set-up started from an account's page: allauth's TOTP set-up, and back to the account
    afterwards (the recovery codes page links back, templates/mfa/recovery_codes/index.html)."""
    entry = _entry(request, pk)
    if selectors.has_mfa(request.user):
        return redirect("registry:detail", pk=entry.pk)
    two_factor.remember_return(request, entry)
    return redirect("mfa_activate_totp")


@login_required
def enforce(request, pk: int):
    """Disable, remove, reactivate or leave feedback, always with a reason (§1.4.2)."""
    entry = _entry(request, pk)
    _require(selectors.can_manage(request.user, entry), _("Only the unit's principal or supervisor can do this."))
    form = EnforcementForm(request.POST or None, entry=entry)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["action"]
        try:
            services.ENFORCEMENT_SERVICES[kind](actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except services.RegistryError as error:
            form.add_error(None, str(error))
        else:
            done = {
                "feedback": _("Feedback sent. The owner has been told."),
                "disable": _("Account disabled. The owner has been told."),
                "remove": _("Account removed (it stays in the registry as history). The owner has been told."),
                "reactivate": _("Account reactivated. The owner has been told."),
            }[kind]
            messages.success(request, done)
            return redirect("registry:detail", pk=entry.pk)
    return render(request, "registry/enforce.html", {"form": form, "entry": entry})


@login_required
def transfer(request, pk: int):
    entry = _entry(request, pk)
    _require(selectors.can_transfer(request.user, entry), _("Only the unit's principal or supervisor can transfer."))
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
                _("%(name)s now owns %(entry)s. Ask them to record a new password.")
                % {"name": form.cleaned_data["new_owner"].short_name, "entry": entry},
            )
            return _back_to(request, entry)
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
                messages.error(request, _("That person is not a co-administrator of this account."))
                return redirect("registry:detail", pk=entry.pk)
            services.remove_co_admin(actor=request.user, entry=entry, user=user)
            messages.success(
                request,
                _("%(name)s no longer administers this account. Record a new password now.")
                % {"name": user.short_name},
            )
        else:
            form = CoAdminAddForm(request.POST, entry=entry)
            if not form.is_valid():
                messages.error(request, _("Choose a staff member of the unit to add."))
                return redirect("registry:detail", pk=entry.pk)
            services.add_co_admin(
                actor=request.user, entry=entry, user=form.cleaned_data["user"], until=form.cleaned_data["until"]
            )
            messages.success(
                request, _("%(name)s is now a co-administrator.") % {"name": form.cleaned_data["user"].short_name}
            )
    except (services.RegistryError, ValueError) as error:
        messages.error(request, str(error) or _("That did not work."))
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
            messages.error(
                request, _("The review note was not saved: %(problem)s") % {"problem": " ".join(form.errors["note"])}
            )
        elif "school_website_url" in form.errors:
            messages.error(request, _("The review was not saved: enter the school website as a full link (https://…)."))
        else:
            messages.error(request, _("Choose whether the site is current or should be decommissioned."))
        return redirect("registry:detail", pk=entry.pk)
    data = form.cleaned_data
    outcome, note = data["outcome"], data["note"]
    try:
        if outcome == "decommission":
            services.request_decommission(actor=request.user, entry=entry, note=note)
            messages.success(request, _("Your principal or supervisor has been asked to decommission this account."))
        else:
            review_ = services.confirm_review(
                actor=request.user,
                entry=entry,
                note=note,
                identification_confirmed=data["identification_confirmed"],
                # Only the fields the form sent: a review posted without them changes nothing on record.
                identification_text=data["identification_text"] if "identification_text" in request.POST else None,
                school_website_url=data["school_website_url"] if "school_website_url" in request.POST else None,
            )
            due = date_format(review_.entry.next_review_due, "DATE_FORMAT")
            messages.success(request, _("Thank you: review recorded. The next one is due %(day)s.") % {"day": due})
    except services.RegistryError as error:
        messages.error(request, str(error))
    if request.POST.get("next") == "home":
        return redirect("home")
    return redirect("registry:detail", pk=entry.pk)


@login_required
@require_POST
def confirm_import(request, pk: int):
    """Another approver confirms or refuses an imported account that named its importer (§1.4.6)."""
    entry = _entry(request, pk)
    _require(selectors.can_confirm_import(request.user, entry), selectors.confirmation_refusal(request.user, entry))
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to confirm or refuse this account."))
        return redirect("registry:detail", pk=entry.pk)
    try:
        if form.cleaned_data["decision"] == "confirm":
            services.confirm_import(actor=request.user, entry=entry)
            messages.success(request, _("%(entry)s is confirmed and active in the registry.") % {"entry": entry})
        else:
            services.refuse_import(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
            messages.success(
                request, _("%(entry)s was refused; it stays in the registry as history.") % {"entry": entry}
            )
    except services.RegistryError as error:
        messages.error(request, str(error))
    return redirect("registry:detail", pk=entry.pk)


# --- import and export ----------------------------------------------------------------------------------------


@sensitive_post_parameters("payload")
@sensitive_variables("csv_text", "result", "context", "uploaded", "upload_form")
@login_required
@one_time_form("import")
def import_csv(request):
    """Upload → preview with per-row errors → confirm (all rows or none)."""
    _require(selectors.can_import(request.user), _("Only principals, supervisors and district admins can import."))
    upload_form = ImportUploadForm()
    context = {"upload_form": upload_form, "columns": services.IMPORT_COLUMNS}
    if request.method == "POST" and "payload" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        try:
            if not confirm.is_valid():
                raise services.RegistryError(_("This preview has expired: upload the file again."))
            csv_text, name = services.unseal_import(request.user, confirm.cleaned_data["payload"])
            result = services.import_registry_csv(actor=request.user, csv_text=csv_text, dry_run=False, source=name)
        except services.RegistryError as error:
            messages.error(request, str(error))
            return redirect("registry:import")
        created = len(result.created)
        messages.success(
            request,
            ngettext("Imported %(count)s account.", "Imported %(count)s accounts.", created) % {"count": created},
        )
        if result.to_confirm_count:
            messages.info(
                request,
                ngettext(
                    "%(count)s of them names you as owner or co-administrator: it waits for another "
                    "principal or supervisor of the unit, or a district admin, to confirm it (§1.4.6).",
                    "%(count)s of them name you as owner or co-administrator: they wait for another "
                    "principal or supervisor of the unit, or a district admin, to confirm them (§1.4.6).",
                    result.to_confirm_count,
                )
                % {"count": result.to_confirm_count},
            )
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
                    rows = len(result.rows)
                    messages.info(
                        request,
                        ngettext(
                            "%(count)s row ready. Nothing is saved until you confirm.",
                            "%(count)s rows ready. Nothing is saved until you confirm.",
                            rows,
                        )
                        % {"count": rows},
                    )
                else:
                    messages.warning(request, _("Fix the problems below and upload the file again. Nothing was saved."))
    response = render(request, "registry/import.html", context)
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
def export_csv(request):
    """The registry list as CSV, with the same filters, without any secret; audited."""
    user = request.user
    _require(selectors.can_export(user), _("Only principals, supervisors and district admins can export."))
    filterset = RegistryFilter(request.GET or None, queryset=selectors.registry_entries_for_list(user), user=user)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Those filters are not valid."))
        return redirect("registry:list")
    filters = {k: v for k, v in request.GET.items() if v}
    return csv_response(
        "registry",
        lambda writer: services.export_registry_csv(actor=user, entries=filterset.qs, writer=writer, filters=filters),
    )


# --- the public check -------------------------------------------------------------------------------------------


def official_check(request):
    """ "Is this an official account?": public, no sign-in. Answers only whether a handle or link is a
    registered, active, public-network district account, and of which unit."""
    form = OfficialCheckForm(request.GET or None)
    context = {"form": form, "searched": False}
    if form.is_bound:
        rate = f"{getattr(settings, 'OFFICIAL_CHECK_RATE_PER_MINUTE', 20)}/m"
        if over_rate_limit(request, group="registry.official-check", rate=rate):
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
