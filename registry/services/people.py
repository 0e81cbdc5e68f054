"""Who has an account: its owner and co-administrators (§1.4.5), and what leaving a unit, losing its
approver role or being deactivated means for the accounts (access follows membership)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import approvers_of, is_approver_of
from audit.services import record_event

from .. import selectors
from ..hooks import access_withdrawn
from ..models import CoAdminTerm, RegistryEntry
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
        raise RegistryError(_("Only the unit's principal or supervisor can transfer this account."))
    if new_owner.pk == entry.owner_id:
        raise RegistryError(_("%(name)s already owns this account.") % {"name": new_owner.short_name})
    if not new_owner.is_active:
        raise RegistryError(_("%(name)s no longer has an active account.") % {"name": new_owner.short_name})
    if not is_member(new_owner, entry.org_unit_id):
        raise RegistryError(
            _("%(name)s is not staff of %(unit)s.") % {"name": new_owner.short_name, "unit": entry.org_unit}
        )
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
def add_co_admin(*, actor: User, entry: RegistryEntry, user: User, until: datetime.date | None = None) -> RegistryEntry:
    """Give another staff member of the unit administrative access (§1.4.5), for good or `until` a date
    (a `CoAdminTerm`: the sweep `co_admin_terms` warns before and removes it on that day).

    Who: the owner (active account) or the unit's approvers. Side effects: one audit event; the new co-admin is told.
    """
    entry = lock(entry)
    if not selectors.can_manage_co_admins(actor, entry):
        raise RegistryError(_("You cannot change who administers this account."))
    if user.pk == entry.owner_id or entry.co_admins.filter(pk=user.pk).exists():
        raise RegistryError(_("%(name)s already has administrative access.") % {"name": user.short_name})
    if problem := co_admin_problem(user, entry.org_unit_id):
        raise RegistryError(problem)
    if until is not None and until <= timezone.localdate():
        raise RegistryError(_("The end of the access must be a day after today."))
    entry.co_admins.add(user)
    entry.save(update_fields=["updated_at"])
    if until is not None:
        CoAdminTerm.objects.create(entry=entry, user=user, ends_on=until, set_by=actor)
    record_event(
        actor=actor,
        action="registry.co_admin_added",
        target=entry,
        org_unit=entry.org_unit,
        details={"user": user.email, **({"until": until.isoformat()} if until else {})},
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
        raise RegistryError(_("You cannot change who administers this account."))
    if not entry.co_admins.filter(pk=user.pk).exists():
        raise RegistryError(_("%(name)s is not a co-administrator of this account.") % {"name": user.short_name})
    entry.co_admins.remove(user)
    entry.needs_password_rotation = True
    entry.save(update_fields=["needs_password_rotation", "updated_at"])
    CoAdminTerm.objects.filter(entry=entry, user=user, ended_at__isnull=True).update(ended_at=timezone.now())
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


def _told_about(unit: OrgUnit, user: User) -> list[User]:
    """Who hears that someone lost access to a unit's accounts: its other approvers, else the district admins."""
    approvers = [u for u in approvers_of(unit) if u.pk != user.pk]
    if approvers:
        return approvers
    return list(User.objects.filter(is_active=True, is_district_admin=True).exclude(pk=user.pk))


@transaction.atomic
def withdraw_access(
    *, user: User, org_unit: OrgUnit | None = None, was_approver: bool = False, actor: User | None = None
) -> int:
    """Access follows membership (§1.4.5): make the registry match what `user` may still do, right now.

    Called by the receivers in registry/signals.py after a membership of `org_unit` was deleted or changed
    (`was_approver`: it was the approver role), and with no `org_unit` after the user was deactivated
    (then every unit). Nothing is taken from what the user's remaining memberships still allow. For
    each unit concerned, when they left it (no membership left, or deactivated) or lost its approver role:

    1. they stop being a co-administrator of its live accounts;
    2. each live account whose password they could reveal before (owner, co-admin, or any account of a
       unit they approved for) and cannot now is flagged "password rotation needed";
    3. each live account they own there, once they are no longer active staff of it, "needs new owner".

    Safe to run twice: what is already done is left alone. Side effects: one audit event per account
    changed (`registry.access_withdrawn`; actor: `actor`, else the portal itself); the unit's other
    approvers (else the district admins) are told once per unit, with the list, unless a receiver of
    `registry.hooks.access_withdrawn` told them (the offboarding case that opens: one message). Returns the number of
    accounts changed.
    """
    live = RegistryEntry.objects.exclude(status=Status.REMOVED)
    if org_unit is not None:
        approver_units = {org_unit.pk} if was_approver else set()
        scope = live.filter(org_unit=org_unit)
    else:
        approver_units = set(
            Membership.objects.filter(user=user, role=Membership.Role.APPROVER).values_list("org_unit_id", flat=True)
        )
        scope = live.filter(Q(owner=user) | Q(co_admins=user) | Q(org_unit_id__in=approver_units))
    ids = scope.values("pk")
    co_admin_of = set(
        RegistryEntry.co_admins.through.objects.filter(user_id=user.pk, registryentry_id__in=ids).values_list(
            "registryentry_id", flat=True
        )
    )
    now_member: dict[int, bool] = {}
    now_approver: dict[int, bool] = {}
    changed_by_unit: dict[int, tuple[OrgUnit, list[dict]]] = {}
    entries = (
        RegistryEntry.objects.select_for_update(of=("self",))
        .select_related("org_unit", "platform")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    for entry in entries:
        unit_id = entry.org_unit_id
        if unit_id not in now_member:
            now_member[unit_id] = user.is_active and is_member(user, unit_id)
            now_approver[unit_id] = is_approver_of(user, unit_id)
        member, approver = now_member[unit_id], now_approver[unit_id]
        left = not member
        lost_approver_role = unit_id in approver_units and not approver
        if not (left or lost_approver_role):
            continue  # their remaining memberships still allow all of it
        owned, co_admin = entry.owner_id == user.pk, entry.pk in co_admin_of
        could_reveal = owned or co_admin or unit_id in approver_units
        can_reveal = approver or (owned and member)
        changes = []
        if co_admin:
            entry.co_admins.remove(user)
            changes.append("co_admin_removed")
        if could_reveal and not can_reveal and not entry.needs_password_rotation:
            entry.needs_password_rotation = True
            changes.append("needs_password_rotation")
        if owned and left and not entry.needs_new_owner:
            entry.needs_new_owner = True
            changes.append("needs_new_owner")
        if not changes:
            continue
        entry.save(update_fields=["needs_password_rotation", "needs_new_owner", "updated_at"])
        trigger = "deactivated" if not user.is_active else ("left_unit" if left else "lost_approver_role")
        record_event(
            actor=actor,
            action="registry.access_withdrawn",
            target=entry,
            org_unit=entry.org_unit,
            details={"user": user.email, "trigger": trigger, "changes": changes, "owner": owned},
        )
        rows = changed_by_unit.setdefault(unit_id, (entry.org_unit, []))[1]
        rows.append({"entry": entry, "changes": changes, "trigger": trigger})
    for unit, rows in changed_by_unit.values():
        answers = access_withdrawn.send(sender=RegistryEntry, user=user, org_unit=unit, rows=rows, actor=actor)
        if any(told is True for _, told in answers):
            continue  # a higher app (an offboarding case) told the same people, with these rows
        notify_all(
            _told_about(unit, user),
            kind="registry.access_withdrawn",
            context={
                "person": user,
                "unit": unit,
                "rows": rows,
                "new_owner_needed": any("needs_new_owner" in row["changes"] for row in rows),
            },
            url=f"{reverse('registry:list')}?org_unit={unit.pk}",
        )
    return sum(len(rows) for _, rows in changed_by_unit.values())


@transaction.atomic
def end_co_admin_terms(*, day: datetime.date) -> int:
    """Co-admin access that ends (issue 15, §1.4.5): remove every co-admin whose term ends on or before `day`.

    Called by the sweep `co_admin_terms` (registry/sweeps.py); safe to run twice (an ended term is left
    alone). Each removal flags the password for rotation, like `remove_co_admin`. Side effects: one audit
    event per term (`registry.co_admin_expired`, actor: the portal); the former co-admin and the owner are
    told. Returns the number of terms ended.
    """
    terms = (
        CoAdminTerm.objects.select_for_update(of=("self",))
        .filter(ended_at__isnull=True, ends_on__lte=day)
        .select_related("entry", "user")
        .order_by("pk")
    )
    ended = 0
    for term in terms:
        entry = lock(term.entry)
        still = entry.co_admins.filter(pk=term.user_id).exists()
        term.ended_at = timezone.now()
        term.save(update_fields=["ended_at"])
        if not still:
            continue  # removed by hand meanwhile: nothing left to take
        entry.co_admins.remove(term.user)
        entry.needs_password_rotation = True
        entry.save(update_fields=["needs_password_rotation", "updated_at"])
        record_event(
            actor=None,
            action="registry.co_admin_expired",
            target=entry,
            org_unit=entry.org_unit,
            details={"user": term.user.email, "until": term.ends_on.isoformat(), "needs_password_rotation": True},
        )
        context = {"entry": entry, "co_admin": term.user, "term": term}
        notify_all([term.user], kind="registry.co_admin_expired", context=context, url="")
        notify_all(
            [entry.owner], kind="registry.co_admin_expired", context={**context, "to_owner": True}, url=entry_url(entry)
        )
        ended += 1
    return ended
