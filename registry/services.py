"""Every change to the registry: one function per verb.

Each service is keyword-only and atomic: it locks the entry (`select_for_update`), checks who may
act and whether the entry's state allows it, changes it, writes exactly one audit event per changed
entry (never a secret in it) and notifies the people concerned in the same transaction (e-mails
leave after commit, through the outbox). Failures raise `RegistryError` with a message for the user.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import approvers_of, is_approver_of, units_approved_by
from accounts.validators import validate_district_email
from approvals.models import AccountRequest
from audit.services import record_event
from core.http import safe_csv_cell
from notifications.services import notify

from . import selectors
from .fields import Secret
from .models import (
    EnforcementAction,
    PasswordChange,
    Platform,
    RegistryEntry,
    SiteReview,
    normalize_handle,
)

Status = RegistryEntry.Status

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 2000
IMPORT_CONTENT_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", ""}


class RegistryError(Exception):
    """A registry action was refused; the message is written for the person who tried it."""


# --- helpers -----------------------------------------------------------------------------------------


def _lock(entry: RegistryEntry) -> RegistryEntry:
    return (
        RegistryEntry.objects.select_for_update(of=("self",))
        .select_related("platform", "org_unit", "owner")
        .get(pk=entry.pk)
    )


def _today() -> datetime.date:
    return timezone.localdate()


def _next_review(cadence_days: int, start: datetime.date | None = None) -> datetime.date:
    return (start or _today()) + datetime.timedelta(days=cadence_days)


def _entry_url(entry: RegistryEntry) -> str:
    return reverse("registry:detail", args=[entry.pk])


def _require_reason(reason: str, what: str = "this") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RegistryError(f"Give a reason for {what}: the owner is told and the audit trail keeps it.")
    return reason


def _check_district_email(value: str, label: str) -> None:
    try:
        validate_email(value)  # an address at all (the import has no form field to check it)
        validate_district_email(value)
    except ValidationError as error:
        raise RegistryError(f"{label}: {' '.join(error.messages)}") from error


def _check_url(value: str) -> None:
    if not value:
        return
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise RegistryError("Enter the account's public address as a full link (https://…).") from error


def _is_member(user: User, org_unit_id: int) -> bool:
    return Membership.objects.filter(user=user, org_unit_id=org_unit_id).exists()


def _check_co_admins(co_admins: Iterable[User], *, owner: User, org_unit_id: int) -> list[User]:
    result = []
    for user in co_admins:
        if user.pk == owner.pk:
            continue  # the owner already has access
        if not user.is_active:
            raise RegistryError(f"{user.short_name} no longer has an active account and cannot be a co-admin.")
        if not (_is_member(user, org_unit_id) or user.is_district_admin):
            raise RegistryError(f"{user.short_name} is not staff of this unit and cannot be a co-admin.")
        result.append(user)
    return result


def _handle_taken(handle: str, platform_id: int, exclude_pk: int | None = None) -> bool:
    qs = (
        RegistryEntry.objects.annotate(h=Lower("handle"))
        .filter(h=handle.lower(), platform_id=platform_id)
        .exclude(status=Status.REMOVED)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _people(entry: RegistryEntry, *, exclude: User | None = None) -> list[User]:
    """Owner and co-admins (the people an action on the account concerns), minus the actor."""
    people = [entry.owner, *entry.co_admins.all()]
    seen, result = set(), []
    for user in people:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def _notify_all(users: Iterable[User], *, kind: str, subject: str, body: str, url: str) -> None:
    for user in users:
        notify(recipient=user, kind=kind, subject=subject, body=body, url=url)


# --- registration ----------------------------------------------------------------------------------------


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def register_account(
    *,
    actor: User,
    account_request: AccountRequest,
    handle: str,
    url: str = "",
    login_username: str,
    login_email: str,
    recovery_email: str = "",
    password: str = "",
    privacy: str | None = None,
    comment_setting: str | None = None,
    co_admins: Iterable[User] = (),
) -> RegistryEntry:
    """Record the account an approved request set up (§1.4.5, §1.4.6).

    Starting state: the request is approved and not registered yet (only once).
    Who: the requester (who becomes the owner) or an approver of the request's unit.
    Side effects: one audit event; the unit's approvers and the new co-admins are told.
    """
    account_request = (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related("platform", "org_unit")
        .get(pk=account_request.pk)
    )
    if account_request.status != AccountRequest.Status.APPROVED:
        raise RegistryError("Only an approved request can be registered (§1.4.6).")
    if RegistryEntry.objects.filter(request=account_request).exists():
        raise RegistryError("This request has already been registered.")
    if not (account_request.requester_id == actor.pk or is_approver_of(actor, account_request.org_unit_id)):
        raise RegistryError("Only the requester or the unit's principal or supervisor can register this account.")

    platform = account_request.platform
    handle = normalize_handle(handle)
    if not handle:
        raise RegistryError("Enter the account's handle (its name on the platform).")
    _check_url(url)
    if not (login_username or "").strip():
        raise RegistryError("Enter the username used to sign in to the account.")
    _check_district_email(login_email, "Login e-mail")
    if recovery_email:
        _check_district_email(recovery_email, "Recovery e-mail")

    privacy = privacy or account_request.network
    if privacy not in RegistryEntry.Privacy.values:
        raise RegistryError("Choose private or public network.")
    # §1.4.4: going public needs its own justification and approval.
    if privacy == RegistryEntry.Privacy.PUBLIC and account_request.network != AccountRequest.Network.PUBLIC:
        raise RegistryError(
            "This account was approved as a private network. Ask for a new approval before making it public (§1.4.4)."
        )
    comment_setting = comment_setting or account_request.comment_setting
    if comment_setting not in RegistryEntry.Comments.values:
        raise RegistryError("Choose how comments are set up.")
    if comment_setting == RegistryEntry.Comments.OFF and not platform.supports_comments_off:
        raise RegistryError(f"{platform} cannot turn comments off: choose moderated or on (§1.4.3).")
    if _handle_taken(handle, platform.pk):
        raise RegistryError(f"@{handle} on {platform} is already in the registry.")

    owner = account_request.requester
    co_admin_list = _check_co_admins(co_admins, owner=owner, org_unit_id=account_request.org_unit_id)
    now = timezone.now()
    entry = RegistryEntry(
        request=account_request,
        platform=platform,
        org_unit=account_request.org_unit,
        name=account_request.title,
        owner=owner,
        handle=handle,
        url=url.strip(),
        login_username=login_username.strip(),
        login_email=login_email.strip().lower(),
        recovery_email=(recovery_email or "").strip().lower(),
        password=Secret(plaintext=password) if password else Secret(),
        password_changed_at=now if password else None,
        privacy=privacy,
        comment_setting=comment_setting,
        status=Status.ACTIVE,
        status_changed_at=now,
        next_review_due=_next_review(settings.PORTAL["REVIEW_CADENCE_DAYS"]),
        registered_by=actor,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise RegistryError(f"@{handle} on {platform} is already in the registry.") from error
    entry.co_admins.set(co_admin_list)
    if password:
        PasswordChange.objects.create(entry=entry, changed_by=actor, reason=PasswordChange.Reason.REGISTERED)

    record_event(
        actor=actor,
        action="registry.registered",
        target=entry,
        org_unit=entry.org_unit,
        details={
            "request": account_request.pk,
            "platform": platform.name,
            "handle": handle,
            "privacy": privacy,
            "comment_setting": comment_setting,
            "co_admins": [u.email for u in co_admin_list],
            "password_recorded": bool(password),
        },
    )
    url_ = _entry_url(entry)
    approvers = [u for u in approvers_of(entry.org_unit) if u.pk != actor.pk]
    _notify_all(
        approvers,
        kind="registry.registered",
        subject=f"Account registered: {entry}",
        body=f"{actor.short_name} registered {entry} for {entry.org_unit} (§1.4.5).",
        url=url_,
    )
    if owner.pk != actor.pk:
        notify(
            recipient=owner,
            kind="registry.registered",
            subject=f"Your account is in the registry: {entry}",
            body=f"{actor.short_name} registered {entry} for you (§1.4.5).",
            url=url_,
        )
    _notify_all(
        [u for u in co_admin_list if u.pk != actor.pk],
        kind="registry.co_admin_added",
        subject=f"You are a co-administrator of {entry}",
        body=f"{actor.short_name} gave you administrative access to {entry} ({entry.org_unit}).",
        url=url_,
    )
    return entry


# --- credentials -------------------------------------------------------------------------------------------


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def update_credentials(
    *,
    actor: User,
    entry: RegistryEntry,
    login_username: str | None = None,
    login_email: str | None = None,
    recovery_email: str | None = None,
    password: str | None = None,
) -> RegistryEntry:
    """Record new login details. A new password keeps a dated history entry (never the old value)
    and clears "password rotation needed".

    Starting state: active (owner, co-admins) or not removed (approvers).
    Side effects: one audit event (field names only); the owner and co-admins other than the actor are told.
    """
    entry = _lock(entry)
    if not selectors.can_edit_credentials(actor, entry):
        raise RegistryError("You cannot change the login details of this account.")
    changed: list[str] = []
    if login_username is not None and login_username.strip() != entry.login_username:
        if not login_username.strip():
            raise RegistryError("The login username cannot be empty.")
        entry.login_username = login_username.strip()
        changed.append("login_username")
    if login_email is not None and login_email.strip().lower() != entry.login_email:
        _check_district_email(login_email, "Login e-mail")
        entry.login_email = login_email.strip().lower()
        changed.append("login_email")
    if recovery_email is not None and recovery_email.strip().lower() != entry.recovery_email:
        if recovery_email.strip():
            _check_district_email(recovery_email, "Recovery e-mail")
        entry.recovery_email = recovery_email.strip().lower()
        changed.append("recovery_email")
    rotated = False
    if password:
        rotated = entry.needs_password_rotation
        entry.password = Secret(plaintext=password)
        entry.password_changed_at = timezone.now()
        entry.needs_password_rotation = False
        changed.append("password")
    if not changed:
        raise RegistryError("Nothing changed.")
    entry.save()
    if password:
        PasswordChange.objects.create(
            entry=entry,
            changed_by=actor,
            reason=PasswordChange.Reason.ROTATION if rotated else PasswordChange.Reason.UPDATED,
        )
    record_event(
        actor=actor,
        action="registry.credentials_updated",
        target=entry,
        org_unit=entry.org_unit,
        details={"fields": changed, "rotation_done": rotated},
    )
    _notify_all(
        _people(entry, exclude=actor),
        kind="registry.credentials_updated",
        subject=f"Login details changed: {entry}",
        body=f"{actor.short_name} changed the login details of {entry} ({', '.join(changed)}).",
        url=_entry_url(entry),
    )
    return entry


@dataclass(frozen=True)
class RevealedCredentials:
    login_username: str
    login_email: str
    recovery_email: str
    password: str = field(repr=False)


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def reveal_credentials(
    *, actor: User, entry: RegistryEntry, reason: str = "", reauthenticated: bool
) -> RevealedCredentials:
    """Show the account's login details, audited.

    Who: the owner and co-admins (active accounts), the unit's approvers and district admins.
    Requires: a recent re-authentication (the view asks allauth); for approvers and district admins,
    two-factor authentication enrolled; for anyone who does not own or co-administer the account,
    a reason (a break-glass reveal).
    Side effects: one audit event with the reason; the owner is told who viewed and why (unless the
    owner is the one viewing).
    """
    entry = _lock(entry)
    if not selectors.can_reveal(actor, entry):
        raise RegistryError("You cannot see the login details of this account.")
    if selectors.reveal_needs_mfa(actor) and not selectors.has_mfa(actor):
        raise RegistryError(
            "Set up two-factor authentication before viewing account passwords (required for principals, "
            "supervisors and district admins)."
        )
    if not reauthenticated:
        raise RegistryError("Confirm your password again before viewing the login details.")
    break_glass = selectors.reveal_needs_reason(actor, entry)
    reason = (reason or "").strip()
    if break_glass and not reason:
        raise RegistryError("Say why you need the login details of an account you do not administer.")
    revealed = RevealedCredentials(
        login_username=entry.login_username,
        login_email=entry.login_email,
        recovery_email=entry.recovery_email,
        password=entry.password.reveal(),
    )
    record_event(
        actor=actor,
        action="registry.credentials_revealed",
        target=entry,
        org_unit=entry.org_unit,
        details={"reason": reason[:500], "break_glass": break_glass},
    )
    if entry.owner_id != actor.pk:
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        notify(
            recipient=entry.owner,
            kind="registry.credentials_revealed",
            subject=f"Your account's login details were viewed: {entry}",
            body=f"{actor.short_name} viewed the login details of {entry} on {when}. "
            f"Reason given: {reason or '(none: co-administrator)'}.",
            url=_entry_url(entry),
        )
    return revealed


# --- status and enforcement (§1.4.2) -----------------------------------------------------------------------

_ENFORCEMENT = {
    EnforcementAction.Kind.DISABLE: (Status.ACTIVE,),
    EnforcementAction.Kind.REMOVE: (Status.ACTIVE, Status.DISABLED),
    EnforcementAction.Kind.FEEDBACK: (Status.ACTIVE, Status.DISABLED),
    EnforcementAction.Kind.REACTIVATE: (Status.DISABLED,),
}
_NEW_STATUS = {
    EnforcementAction.Kind.DISABLE: Status.DISABLED,
    EnforcementAction.Kind.REMOVE: Status.REMOVED,
    EnforcementAction.Kind.REACTIVATE: Status.ACTIVE,
}
_ACTION_NAME = {
    EnforcementAction.Kind.DISABLE: "registry.disabled",
    EnforcementAction.Kind.REMOVE: "registry.removed",
    EnforcementAction.Kind.FEEDBACK: "registry.feedback",
    EnforcementAction.Kind.REACTIVATE: "registry.reactivated",
}
_SUBJECT = {
    EnforcementAction.Kind.DISABLE: "Your account was disabled",
    EnforcementAction.Kind.REMOVE: "Your account was removed",
    EnforcementAction.Kind.FEEDBACK: "Feedback on your account",
    EnforcementAction.Kind.REACTIVATE: "Your account was reactivated",
}


def _enforce(*, actor: User, entry: RegistryEntry, kind: str, reason: str) -> EnforcementAction:
    entry = _lock(entry)
    if not selectors.can_manage(actor, entry):
        raise RegistryError("Only the unit's principal or supervisor can do this (§1.4.2).")
    reason = _require_reason(reason)
    if entry.status not in _ENFORCEMENT[kind]:
        raise RegistryError(f"This account is {entry.get_status_display().lower()}: that is not possible now.")
    if kind in _NEW_STATUS:
        entry.status = _NEW_STATUS[kind]
        entry.status_changed_at = timezone.now()
        if kind == EnforcementAction.Kind.REMOVE:
            entry.decommission_requested_at = None
        if kind == EnforcementAction.Kind.REACTIVATE:
            # A review is due again one cadence from now, not in the past.
            entry.next_review_due = max(entry.next_review_due, _next_review(entry.review_cadence_days))
        entry.save()
    action = EnforcementAction.objects.create(entry=entry, actor=actor, kind=kind, reason=reason)
    record_event(
        actor=actor,
        action=_ACTION_NAME[kind],
        target=entry,
        org_unit=entry.org_unit,
        details={"reason": reason[:1000], "status": entry.status},
    )
    _notify_all(
        _people(entry, exclude=actor),
        kind=_ACTION_NAME[kind],
        subject=f"{_SUBJECT[kind]}: {entry}",
        body=f"{actor.short_name} ({entry.org_unit}): {reason}",
        url=_entry_url(entry),
    )
    return action


@transaction.atomic
def disable_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Active → disabled, with a reason (§1.4.2). Who: the unit's approvers. The owner and co-admins are told."""
    return _enforce(actor=actor, entry=entry, kind=EnforcementAction.Kind.DISABLE, reason=reason)


@transaction.atomic
def remove_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Active or disabled → removed, with a reason (§1.4.2). The entry stays as history. Who: the unit's approvers."""
    return _enforce(actor=actor, entry=entry, kind=EnforcementAction.Kind.REMOVE, reason=reason)


@transaction.atomic
def leave_feedback(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Feedback without a status change (§1.4.2). Who: the unit's approvers. The owner and co-admins are told."""
    return _enforce(actor=actor, entry=entry, kind=EnforcementAction.Kind.FEEDBACK, reason=reason)


@transaction.atomic
def reactivate_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Disabled → active, with a reason. Removed accounts stay removed. Who: the unit's approvers."""
    return _enforce(actor=actor, entry=entry, kind=EnforcementAction.Kind.REACTIVATE, reason=reason)


ENFORCEMENT_SERVICES = {
    EnforcementAction.Kind.DISABLE: disable_account,
    EnforcementAction.Kind.REMOVE: remove_account,
    EnforcementAction.Kind.FEEDBACK: leave_feedback,
    EnforcementAction.Kind.REACTIVATE: reactivate_account,
}


# --- people: owner and co-admins ----------------------------------------------------------------------------


@transaction.atomic
def transfer_ownership(*, actor: User, entry: RegistryEntry, new_owner: User, note: str = "") -> RegistryEntry:
    """Hand the account to another staff member of the unit (e.g. the owner leaves).

    Starting state: active or disabled. Who: the unit's approvers. The previous owner knew the password,
    so the account is flagged "password rotation needed"; "needs new owner" is cleared.
    Side effects: one audit event; the previous and the new owner are told.
    """
    entry = _lock(entry)
    if not selectors.can_transfer(actor, entry):
        raise RegistryError("Only the unit's principal or supervisor can transfer this account.")
    if new_owner.pk == entry.owner_id:
        raise RegistryError(f"{new_owner.short_name} already owns this account.")
    if not new_owner.is_active:
        raise RegistryError(f"{new_owner.short_name} no longer has an active account.")
    if not _is_member(new_owner, entry.org_unit_id):
        raise RegistryError(f"{new_owner.short_name} is not staff of {entry.org_unit}.")
    previous = entry.owner
    entry.owner = new_owner
    entry.needs_new_owner = False
    entry.needs_password_rotation = True
    entry.save()
    entry.co_admins.remove(new_owner)
    record_event(
        actor=actor,
        action="registry.ownership_transferred",
        target=entry,
        org_unit=entry.org_unit,
        details={"from": previous.email, "to": new_owner.email, "note": (note or "").strip()[:500]},
    )
    url = _entry_url(entry)
    notify(
        recipient=new_owner,
        kind="registry.ownership_transferred",
        subject=f"You now own {entry}",
        body=f"{actor.short_name} made you the owner of {entry} ({entry.org_unit}). "
        "Record a new password: the previous owner knew the old one.",
        url=url,
    )
    if previous.pk != actor.pk:
        notify(
            recipient=previous,
            kind="registry.ownership_transferred",
            subject=f"You no longer own {entry}",
            body=f"{actor.short_name} transferred {entry} to {new_owner.short_name}.",
            url="",
        )
    return entry


@transaction.atomic
def add_co_admin(*, actor: User, entry: RegistryEntry, user: User) -> RegistryEntry:
    """Give another staff member of the unit administrative access (§1.4.5).

    Who: the owner (active account) or the unit's approvers. Side effects: one audit event; the new co-admin is told.
    """
    entry = _lock(entry)
    if not selectors.can_manage_co_admins(actor, entry):
        raise RegistryError("You cannot change who administers this account.")
    if user.pk == entry.owner_id or entry.co_admins.filter(pk=user.pk).exists():
        raise RegistryError(f"{user.short_name} already has administrative access.")
    _check_co_admins([user], owner=entry.owner, org_unit_id=entry.org_unit_id)
    entry.co_admins.add(user)
    entry.save(update_fields=["updated_at"])
    record_event(
        actor=actor,
        action="registry.co_admin_added",
        target=entry,
        org_unit=entry.org_unit,
        details={"user": user.email},
    )
    if user.pk != actor.pk:
        notify(
            recipient=user,
            kind="registry.co_admin_added",
            subject=f"You are a co-administrator of {entry}",
            body=f"{actor.short_name} gave you administrative access to {entry} ({entry.org_unit}).",
            url=_entry_url(entry),
        )
    return entry


@transaction.atomic
def remove_co_admin(*, actor: User, entry: RegistryEntry, user: User) -> RegistryEntry:
    """Take administrative access away. They knew the password: "password rotation needed" until a new one is
    recorded. Who: the owner or the unit's approvers. Side effects: one audit event; the former co-admin and
    the owner are told.
    """
    entry = _lock(entry)
    if not selectors.can_manage_co_admins(actor, entry):
        raise RegistryError("You cannot change who administers this account.")
    if not entry.co_admins.filter(pk=user.pk).exists():
        raise RegistryError(f"{user.short_name} is not a co-administrator of this account.")
    entry.co_admins.remove(user)
    entry.needs_password_rotation = True
    entry.save(update_fields=["needs_password_rotation", "updated_at"])
    record_event(
        actor=actor,
        action="registry.co_admin_removed",
        target=entry,
        org_unit=entry.org_unit,
        details={"user": user.email, "needs_password_rotation": True},
    )
    url = _entry_url(entry)
    if user.pk != actor.pk:
        notify(
            recipient=user,
            kind="registry.co_admin_removed",
            subject=f"You no longer administer {entry}",
            body=f"{actor.short_name} removed your administrative access to {entry}.",
            url="",
        )
    if entry.owner_id != actor.pk:
        notify(
            recipient=entry.owner,
            kind="registry.co_admin_removed",
            subject=f"Change the password of {entry}",
            body=f"{user.short_name} no longer administers {entry}. Record a new password: they knew the old one.",
            url=url,
        )
    return entry


@transaction.atomic
def flag_accounts_of_departed_user(*, user: User) -> int:
    """A user was deactivated: every live account they could sign in to needs a new password, and the ones
    they owned need a new owner. Runs from the User post_save receiver (registry/signals.py).

    Safe to run twice: accounts already flagged are left alone. Side effects: one audit event per account
    flagged (actor: system); the unit's approvers are told. Returns the number of accounts flagged.
    """
    ids = RegistryEntry.objects.filter(Q(owner=user) | Q(co_admins=user)).exclude(status=Status.REMOVED).values("pk")
    flagged = 0
    for entry in (
        RegistryEntry.objects.select_for_update(of=("self",)).select_related("org_unit", "platform").filter(pk__in=ids)
    ):
        owned = entry.owner_id == user.pk
        changes = []
        if not entry.needs_password_rotation:
            entry.needs_password_rotation = True
            changes.append("needs_password_rotation")
        if owned and not entry.needs_new_owner:
            entry.needs_new_owner = True
            changes.append("needs_new_owner")
        if not changes:
            continue
        entry.save(update_fields=[*changes, "updated_at"])
        flagged += 1
        record_event(
            actor=None,
            action="registry.flagged_departed_user",
            target=entry,
            org_unit=entry.org_unit,
            details={"user": user.email, "owner": owned, "flags": changes},
        )
        needs = "a new owner and a new password" if owned else "a new password"
        _notify_all(
            approvers_of(entry.org_unit),
            kind="registry.flagged_departed_user",
            subject=f"{entry} needs {needs}",
            body=f"{user.short_name} no longer has an active district account and had access to {entry}. "
            f"It needs {needs}.",
            url=_entry_url(entry),
        )
    return flagged


# --- site reviews (§1.2.1.3) ----------------------------------------------------------------------------------


@transaction.atomic
def confirm_review(*, actor: User, entry: RegistryEntry, note: str = "") -> SiteReview:
    """ "Still in use and current": the next review is one cadence from today.

    Starting state: active. Who: the owner or a co-admin. Side effects: one audit event.
    """
    entry = _lock(entry)
    if not selectors.can_review(actor, entry):
        raise RegistryError("Only the owner or a co-administrator of an active account can confirm its review.")
    now = timezone.now()
    entry.last_reviewed_at = now
    entry.next_review_due = _next_review(entry.review_cadence_days)
    entry.save(update_fields=["last_reviewed_at", "next_review_due", "updated_at"])
    review = SiteReview.objects.create(
        entry=entry, reviewed_by=actor, outcome=SiteReview.Outcome.CURRENT, note=(note or "").strip()
    )
    record_event(
        actor=actor,
        action="registry.review_confirmed",
        target=entry,
        org_unit=entry.org_unit,
        details={"next_review_due": entry.next_review_due.isoformat(), "note": review.note[:500]},
    )
    return review


@transaction.atomic
def request_decommission(*, actor: User, entry: RegistryEntry, note: str = "") -> SiteReview:
    """The site is no longer in use (§1.2.1.3): ask the unit's approvers to remove it from the registry.

    Starting state: active, not already asked. Who: the owner or a co-admin. Side effects: one audit event;
    the unit's approvers are told.
    """
    entry = _lock(entry)
    if not selectors.can_review(actor, entry):
        raise RegistryError("Only the owner or a co-administrator of an active account can ask to decommission it.")
    if entry.decommission_requested_at:
        raise RegistryError("Decommissioning was already requested; the principal or supervisor has been told.")
    now = timezone.now()
    entry.last_reviewed_at = now
    entry.decommission_requested_at = now
    entry.save(update_fields=["last_reviewed_at", "decommission_requested_at", "updated_at"])
    review = SiteReview.objects.create(
        entry=entry, reviewed_by=actor, outcome=SiteReview.Outcome.DECOMMISSION, note=(note or "").strip()
    )
    record_event(
        actor=actor,
        action="registry.decommission_requested",
        target=entry,
        org_unit=entry.org_unit,
        details={"note": review.note[:500]},
    )
    _notify_all(
        [u for u in approvers_of(entry.org_unit) if u.pk != actor.pk],
        kind="registry.decommission_requested",
        subject=f"Decommission requested: {entry}",
        body=f"{actor.short_name} says {entry} is no longer in use. Delete the content or site on the platform, "
        f"then remove it from the registry (§1.2.1.3)." + (f"\n\nNote: {review.note}" if review.note else ""),
        url=_entry_url(entry),
    )
    return review


# --- CSV import and export -------------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "unit",
    "platform",
    "handle",
    "url",
    "site_name",
    "owner_email",
    "co_admin_emails",
    "login_username",
    "login_email",
    "recovery_email",
    "password",
    "privacy",
    "comment_setting",
    "last_reviewed",
]
REQUIRED_IMPORT_COLUMNS = ["unit", "platform", "handle", "owner_email", "login_username", "login_email"]
# Column of the file → field of RegistryEntry whose max_length it must respect (site_name is cut to fit).
IMPORT_LENGTH_LIMITED = {
    "handle": "handle",
    "url": "url",
    "login_username": "login_username",
    "login_email": "login_email",
    "recovery_email": "recovery_email",
}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # Resolved objects for a valid row (never shown: the password stays inside `values`).
    org_unit: OrgUnit | None = None
    platform: Platform | None = None
    owner: User | None = None
    co_admins: list[User] = field(default_factory=list)
    last_reviewed: datetime.date | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_password(self) -> bool:
        return bool(self.values.get("password"))

    def __repr__(self) -> str:  # never the password
        return f"<ImportRow line={self.line} handle={self.values.get('handle')!r} errors={len(self.errors)}>"


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)  # file-level problems
    created: list[RegistryEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for r in self.rows if not r.ok)


@sensitive_variables("raw")
def read_csv_upload(uploaded_file) -> str:
    """The text of an uploaded CSV file; refuses other types, files over 1 MB and undecodable text."""
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if not name.endswith(".csv"):
        raise RegistryError("Upload a .csv file (save the spreadsheet as CSV first).")
    content_type = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in IMPORT_CONTENT_TYPES:
        raise RegistryError("That file is not a CSV file.")
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise RegistryError("That file is larger than 1 MB: split it into smaller files.")
    raw = uploaded_file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise RegistryError("That file is larger than 1 MB: split it into smaller files.")
    if b"\x00" in raw:
        raise RegistryError("That file is not a CSV text file.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegistryError("Save the CSV file as UTF-8 text and upload it again.") from error


@sensitive_variables("csv_text", "reader", "raw", "values", "row", "result")
def _parse_import(*, actor: User, csv_text: str) -> ImportResult:
    result = ImportResult(rows=[])
    try:
        reader = csv.DictReader(io.StringIO(csv_text))
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        result.errors.append(f"The file cannot be read as CSV ({error}).")
        return result
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in header]
    if missing:
        result.errors.append(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. "
            f"Expected columns: {', '.join(IMPORT_COLUMNS)}."
        )
        return result
    reader.fieldnames = header
    units = {u.code.lower(): u for u in units_approved_by(actor)}
    units.update({u.name.lower(): u for u in units.values()})
    platforms = {p.name.lower(): p for p in Platform.objects.all()}
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            if len(result.rows) >= MAX_IMPORT_ROWS:
                result.errors.append(f"The file has more than {MAX_IMPORT_ROWS} rows: split it.")
                break
            values = {k: (v or "").strip() for k, v in raw.items() if k in IMPORT_COLUMNS and isinstance(v, str)}
            if not any(values.values()):
                continue
            row = ImportRow(line=line, values=values)
            result.rows.append(row)
            _validate_import_row(row, units=units, platforms=platforms, seen=seen)
    except csv.Error as error:
        result.errors.append(f"The file cannot be read as CSV ({error}).")
    if not result.rows and not result.errors:
        result.errors.append("The file has no account rows.")
    return result


def _validate_import_row(row: ImportRow, *, units, platforms, seen) -> None:
    v, errors = row.values, row.errors
    for column in REQUIRED_IMPORT_COLUMNS:
        if not v.get(column):
            errors.append(f"{column} is empty.")
    row.org_unit = units.get(v.get("unit", "").lower())
    if v.get("unit") and row.org_unit is None:
        errors.append(f"Unit “{v['unit']}” is not one whose registry you keep.")
    row.platform = platforms.get(v.get("platform", "").lower())
    if v.get("platform") and row.platform is None:
        errors.append(f"Platform “{v['platform']}” is unknown: a district admin adds platforms (§1.4.7).")
    elif row.platform and not row.platform.is_approved:
        errors.append(f"{row.platform} is not a district-approved platform (§1.4.7).")
    handle = normalize_handle(v.get("handle", ""))
    v["handle"] = handle
    if handle and row.platform:
        key = (row.platform.pk, handle.lower())
        if key in seen:
            errors.append(f"@{handle} on {row.platform} appears twice in the file (line {seen[key]}).")
        else:
            seen[key] = row.line
            if _handle_taken(handle, row.platform.pk):
                errors.append(f"@{handle} on {row.platform} is already in the registry.")
    if v.get("url"):
        try:
            _check_url(v["url"])
        except RegistryError as error:
            errors.append(str(error))
    for column, label in (("login_email", "login_email"), ("recovery_email", "recovery_email")):
        if v.get(column):
            try:
                _check_district_email(v[column], label)
            except RegistryError as error:
                errors.append(str(error))
    # Values must fit their columns: PostgreSQL refuses longer text at the confirm step (a 500).
    for column, field_name in IMPORT_LENGTH_LIMITED.items():
        limit = RegistryEntry._meta.get_field(field_name).max_length
        if len(v.get(column, "")) > limit:
            errors.append(f"{column} is longer than {limit} characters.")
    if v.get("owner_email"):
        row.owner = User.objects.filter(email__iexact=v["owner_email"], is_active=True).first()
        if row.owner is None:
            errors.append(f"No active staff member has the address {v['owner_email']}.")
        elif row.org_unit is not None and not _is_member(row.owner, row.org_unit.pk):
            errors.append(f"{v['owner_email']} is not staff of {row.org_unit}.")
    for email in [e for e in v.get("co_admin_emails", "").replace(";", " ").replace(",", " ").split() if e]:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            errors.append(f"Co-admin {email} is not an active staff member.")
        elif row.owner is None or user.pk != row.owner.pk:
            row.co_admins.append(user)
    privacy = (v.get("privacy") or RegistryEntry.Privacy.PRIVATE).lower()
    if privacy not in RegistryEntry.Privacy.values:
        errors.append("privacy must be private or public.")
    v["privacy"] = privacy
    comments = (v.get("comment_setting") or RegistryEntry.Comments.OFF).lower()
    if comments not in RegistryEntry.Comments.values:
        errors.append("comment_setting must be off, moderated or on.")
    v["comment_setting"] = comments
    if v.get("last_reviewed"):
        try:
            row.last_reviewed = datetime.date.fromisoformat(v["last_reviewed"])
        except ValueError:
            errors.append("last_reviewed must be a date like 2025-09-30.")
        else:
            # A review cannot be in the future (and a year-9999 date overflowed the next due date: a 500).
            if row.last_reviewed > _today():
                errors.append("last_reviewed cannot be in the future.")


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def import_registry_csv(*, actor: User, csv_text: str, dry_run: bool = True, source: str = "") -> ImportResult:
    """Import accounts that predate the portal from CSV (columns: IMPORT_COLUMNS).

    With `dry_run` (the preview) nothing is saved and every row carries its errors. Without it, the rows
    are validated again and either all are saved or, on any error, none (RegistryError).
    Who: district admins and approvers, for the units they keep. Side effects: one audit event per account
    created (never the password); each owner is told.
    """
    if not selectors.can_import(actor):
        raise RegistryError("Only principals, supervisors and district admins can import accounts.")
    result = _parse_import(actor=actor, csv_text=csv_text)
    if dry_run:
        return result
    if not result.ok:
        raise RegistryError(
            f"Nothing was imported: {result.error_count} problem{'s' if result.error_count != 1 else ''} "
            "to fix first (see the preview)."
        )
    now = timezone.now()
    for row in result.rows:
        v = row.values
        reviewed = row.last_reviewed
        cadence = settings.PORTAL["REVIEW_CADENCE_DAYS"]
        entry = RegistryEntry(
            platform=row.platform,
            org_unit=row.org_unit,
            name=v.get("site_name", "")[:120],
            owner=row.owner,
            handle=v["handle"],
            url=v.get("url", ""),
            login_username=v["login_username"],
            login_email=v["login_email"].lower(),
            recovery_email=v.get("recovery_email", "").lower(),
            password=Secret(plaintext=v["password"]) if v.get("password") else Secret(),
            password_changed_at=now if v.get("password") else None,
            privacy=v["privacy"],
            comment_setting=v["comment_setting"],
            status_changed_at=now,
            last_reviewed_at=(
                timezone.make_aware(datetime.datetime.combine(reviewed, datetime.time(12))) if reviewed else None
            ),
            next_review_due=_next_review(cadence, reviewed) if reviewed else _today(),
            registered_by=actor,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as error:
            raise RegistryError(f"Nothing was imported: @{entry.handle} is already in the registry.") from error
        entry.co_admins.set(row.co_admins)
        if v.get("password"):
            PasswordChange.objects.create(entry=entry, changed_by=actor, reason=PasswordChange.Reason.IMPORTED)
        record_event(
            actor=actor,
            action="registry.imported",
            target=entry,
            org_unit=entry.org_unit,
            details={"source": source[:200], "line": row.line, "password_recorded": bool(v.get("password"))},
        )
        if entry.owner_id != actor.pk:
            notify(
                recipient=entry.owner,
                kind="registry.imported",
                subject=f"Your account is in the registry: {entry}",
                body=f"{actor.short_name} added {entry} to the {entry.org_unit} registry (§1.4.5). "
                "Please check its details and confirm its review.",
                url=_entry_url(entry),
            )
        result.created.append(entry)
    return result


EXPORT_COLUMNS = [
    "unit",
    "platform",
    "site_name",
    "handle",
    "url",
    "owner",
    "co_admins",
    "login_username",
    "login_email",
    "recovery_email",
    "password_recorded",
    "password_changed",
    "privacy",
    "comment_setting",
    "status",
    "last_reviewed",
    "next_review_due",
    "needs_password_rotation",
    "needs_new_owner",
]


def export_registry_csv(*, actor: User, entries, stream, filters: dict | None = None) -> int:
    """Write the given entries as CSV without any secret, and audit the export. Returns the row count.

    Cells that a spreadsheet would run as a formula (= + - @) are neutralised. Who: approvers and
    district admins (the view passes entries already scoped to them).
    """
    if not selectors.can_export(actor):
        raise RegistryError("Only principals, supervisors and district admins can export the registry.")
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    units = set()
    for entry in (
        entries.select_related("platform", "org_unit", "owner").prefetch_related("co_admins").defer("password")
    ):
        writer.writerow(
            [
                safe_csv_cell(entry.org_unit.name),
                safe_csv_cell(entry.platform.name),
                safe_csv_cell(entry.name),
                safe_csv_cell(entry.handle),
                safe_csv_cell(entry.url),
                safe_csv_cell(entry.owner.email),
                safe_csv_cell(" ".join(u.email for u in entry.co_admins.all())),
                safe_csv_cell(entry.login_username),
                safe_csv_cell(entry.login_email),
                safe_csv_cell(entry.recovery_email),
                "yes" if entry.password_changed_at else "no",
                timezone.localtime(entry.password_changed_at).date().isoformat() if entry.password_changed_at else "",
                entry.privacy,
                entry.comment_setting,
                entry.status,
                timezone.localtime(entry.last_reviewed_at).date().isoformat() if entry.last_reviewed_at else "",
                entry.next_review_due.isoformat(),
                "yes" if entry.needs_password_rotation else "no",
                "yes" if entry.needs_new_owner else "no",
            ]
        )
        units.add(entry.org_unit_id)
        count += 1
    with transaction.atomic():
        record_event(
            actor=actor,
            action="registry.exported",
            org_unit=OrgUnit.objects.get(pk=next(iter(units))) if len(units) == 1 else None,
            details={"rows": count, "filters": filters or {}},
        )
    return count
