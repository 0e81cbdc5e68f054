"""Who has an account: its owner and co-administrators (§1.4.5), and what a departure means."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from accounts.selectors import approvers_of
from audit.services import record_event

from .. import selectors
from ..models import RegistryEntry
from ._common import RegistryError, Status, co_admin_problem, entry_url, is_member, lock, notify_all


@transaction.atomic
def transfer_ownership(*, actor: User, entry: RegistryEntry, new_owner: User, note: str = "") -> RegistryEntry:
    """Hand the account to another staff member of the unit (e.g. the owner leaves).

    Starting state: active or disabled. Who: the unit's approvers. The previous owner knew the password,
    so the account is flagged "password rotation needed"; "needs new owner" is cleared.
    Side effects: one audit event; the previous and the new owner are told.
    """
    entry = lock(entry)
    if not selectors.can_transfer(actor, entry):
        raise RegistryError("Only the unit's principal or supervisor can transfer this account.")
    if new_owner.pk == entry.owner_id:
        raise RegistryError(f"{new_owner.short_name} already owns this account.")
    if not new_owner.is_active:
        raise RegistryError(f"{new_owner.short_name} no longer has an active account.")
    if not is_member(new_owner, entry.org_unit_id):
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
    context = {"entry": entry, "actor": actor, "new_owner": new_owner}
    notify_all(
        [new_owner],
        kind="registry.ownership_transferred",
        context={**context, "to_new_owner": True},
        url=entry_url(entry),
    )
    if previous.pk != actor.pk:
        notify_all([previous], kind="registry.ownership_transferred", context=context, url="")
    return entry


@transaction.atomic
def add_co_admin(*, actor: User, entry: RegistryEntry, user: User) -> RegistryEntry:
    """Give another staff member of the unit administrative access (§1.4.5).

    Who: the owner (active account) or the unit's approvers. Side effects: one audit event; the new co-admin is told.
    """
    entry = lock(entry)
    if not selectors.can_manage_co_admins(actor, entry):
        raise RegistryError("You cannot change who administers this account.")
    if user.pk == entry.owner_id or entry.co_admins.filter(pk=user.pk).exists():
        raise RegistryError(f"{user.short_name} already has administrative access.")
    if problem := co_admin_problem(user, entry.org_unit_id):
        raise RegistryError(problem)
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
        notify_all(
            [user], kind="registry.co_admin_added", context={"entry": entry, "actor": actor}, url=entry_url(entry)
        )
    return entry


@transaction.atomic
def remove_co_admin(*, actor: User, entry: RegistryEntry, user: User) -> RegistryEntry:
    """Take administrative access away. They knew the password: "password rotation needed" until a new one is
    recorded. Who: the owner or the unit's approvers. Side effects: one audit event; the former co-admin and
    the owner are told.
    """
    entry = lock(entry)
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
    context = {"entry": entry, "actor": actor, "co_admin": user}
    if user.pk != actor.pk:
        notify_all([user], kind="registry.co_admin_removed", context=context, url="")
    if entry.owner_id != actor.pk:
        notify_all(
            [entry.owner], kind="registry.co_admin_removed", context={**context, "to_owner": True}, url=entry_url(entry)
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
        notify_all(
            approvers_of(entry.org_unit),
            kind="registry.flagged_departed_user",
            context={"entry": entry, "departed": user, "owned": owned},
            url=entry_url(entry),
        )
    return flagged
