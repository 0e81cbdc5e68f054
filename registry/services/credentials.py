"""Login details of an account: recording new ones and revealing them, audited (§1.4.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from audit.services import record_event

from .. import selectors
from ..fields import Secret
from ..models import PasswordChange, RegistryEntry
from ._common import RegistryError, Status, check_district_email, entry_url, lock, notify_all, people


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
    entry = lock(entry)
    if not selectors.can_edit_credentials(actor, entry):
        raise RegistryError(_("You cannot change the login details of this account."))
    changed: list[str] = []
    if login_username is not None and login_username.strip() != entry.login_username:
        if not login_username.strip():
            raise RegistryError(_("The login username cannot be empty."))
        entry.login_username = login_username.strip()
        changed.append("login_username")
    if login_email is not None and login_email.strip().lower() != entry.login_email:
        check_district_email(login_email, _("Login e-mail"))
        entry.login_email = login_email.strip().lower()
        changed.append("login_email")
    if recovery_email is not None and recovery_email.strip().lower() != entry.recovery_email:
        if recovery_email.strip():
            check_district_email(recovery_email, _("Recovery e-mail"))
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
        raise RegistryError(_("Nothing changed."))
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
    notify_all(
        people(entry, exclude=actor),
        kind="registry.credentials_updated",
        # `field_labels`: the changed fields' names in the recipient's language (lazy verbose names, issue 17).
        context={
            "entry": entry,
            "actor": actor,
            "fields": changed,
            "field_labels": [RegistryEntry._meta.get_field(name).verbose_name for name in changed],
        },
        url=entry_url(entry),
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
    *,
    actor: User,
    entry: RegistryEntry,
    authentication_records: Sequence[Mapping[str, Any]],
    reason: str = "",
) -> RevealedCredentials:
    """Show the account's login details, audited (§1.4.5).

    Who: the owner and co-admins (active accounts), the unit's approvers and district admins; nobody while
    an import waits for its confirmation (§1.4.6).
    Requires, decided here from the session's own authentication records (allauth's
    `get_authentication_records(request, actor)`, never a flag the caller sets): a sign-in or
    re-authentication younger than ACCOUNT_REAUTHENTICATION_TIMEOUT; for approvers and district admins,
    two-factor authentication enrolled, and for them and anyone else enrolled, that recent proof made with
    the second factor (`selectors.recently_authenticated`); for anyone who does not own or co-administer
    the account, a reason (a break-glass reveal).
    Side effects: one audit event with the reason; the owner is told who viewed and why (unless the owner
    is the one viewing); a break-glass reveal flags "password rotation needed" when
    REVEAL_BREAK_GLASS_FLAGS_ROTATION is on (the default).
    """
    entry = lock(entry)
    if not selectors.can_reveal(actor, entry):
        raise RegistryError(_("You cannot see the login details of this account."))
    if selectors.reveal_needs_mfa(actor) and not selectors.has_mfa(actor):
        raise RegistryError(
            _(
                "Set up two-factor authentication before viewing account passwords (required for principals, "
                "supervisors and district admins)."
            )
        )
    if not selectors.recently_authenticated(actor, authentication_records):
        if selectors.reveal_needs_second_factor(actor):
            raise RegistryError(
                _("Confirm it is you with a code from your authenticator app before viewing the login details.")
            )
        raise RegistryError(_("Confirm your password again before viewing the login details."))
    break_glass = selectors.reveal_needs_reason(actor, entry)
    reason = (reason or "").strip()
    if break_glass and not reason:
        raise RegistryError(_("Say why you need the login details of an account you do not administer."))
    revealed = RevealedCredentials(
        login_username=entry.login_username,
        login_email=entry.login_email,
        recovery_email=entry.recovery_email,
        password=entry.password.reveal(),
    )
    # §1.4.5: someone outside the account's admins now knows the password: its admins change it.
    flag = break_glass and settings.REVEAL_BREAK_GLASS_FLAGS_ROTATION and entry.status != Status.REMOVED
    if flag and not entry.needs_password_rotation:
        entry.needs_password_rotation = True
        entry.save(update_fields=["needs_password_rotation", "updated_at"])
    record_event(
        actor=actor,
        action="registry.credentials_revealed",
        target=entry,
        org_unit=entry.org_unit,
        details={"reason": reason[:500], "break_glass": break_glass, "needs_password_rotation": bool(flag)},
    )
    if entry.owner_id != actor.pk:
        notify_all(
            [entry.owner],
            kind="registry.credentials_revealed",
            context={
                "entry": entry,
                "actor": actor,
                "reason": reason,
                "when": timezone.now(),
                "needs_password_rotation": bool(flag),
            },
            url=entry_url(entry),
        )
    return revealed
