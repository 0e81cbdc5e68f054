"""Users, groups and memberships as the district's directory says.

This is the one module of the directory app that changes `accounts.User` and `accounts.Membership`.
It does so with ordinary model saves and instance deletes (never queryset updates), so that every
receiver of those models (access follows membership: co-admin rights end, accounts are flagged) sees a
directory change exactly as it sees one made by hand.

Rules:
- AP 1311 §1.1.1: a person's user name is a district e-mail address; another domain is refused.
- A user the directory creates has no usable password: they sign in through single sign-on.
- A person already in the portal (made by hand or by an import) is adopted by the first connection
  that provisions their address; a person another connection manages is refused (a conflict).
- The directory gives and takes away only the memberships it gave (ManagedMembership): a directory
  group's members are the staff (or approvers) of the units its GroupMapping rows name. Memberships
  made by hand are never removed by the directory, unless the directory also asked for them (it then
  takes them over).
- A SCIM DELETE deactivates the person and removes the directory's memberships; the user row stays
  (their accounts, requests and audit trail still point at it).

Every function is one transaction with one audit event whose details name the connection
(`via directory connection X`); the actor is the system (None), or the district admin for admin actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.validators import district_domains_text, is_district_email
from audit.services import record_event
from core.errors import NotPermitted

from ..models import DirectoryConnection, DirectoryGroup, DirectoryUser, GroupMapping, ManagedMembership
from ._common import DirectoryError, via_connection


@dataclass(frozen=True)
class Person:
    """What the directory says about one person (a SCIM User, or a row of a staff file)."""

    email: str
    given_name: str = ""
    family_name: str = ""
    display_name: str = ""
    active: bool = True
    external_id: str = ""
    employee_number: str = ""
    emails: list = field(default_factory=list)


def district_email(value: str, *, attribute: str = "userName") -> str:
    """The address, lower-cased, if it is a district address (AP 1311 §1.1.1); else a refusal."""
    email = (value or "").strip().lower()
    if not is_district_email(email):
        raise DirectoryError(
            _("%(attribute)s must be a district e-mail address (%(domains)s); %(value)s is not one (AP 1311 §1.1.1).")
            % {"attribute": attribute, "domains": district_domains_text(), "value": repr(value)},
            problems={attribute: "not a district address"},
        )
    return email


# --- users -----------------------------------------------------------------------------------------------------


@transaction.atomic
def provision_user(*, connection: DirectoryConnection, person: Person) -> DirectoryUser:
    """Create (or adopt) the portal user the directory describes, as a resource of `connection`.

    Allowed: any active connection. Refused: an address off the district's domains (§1.1.1); an address
    another connection manages; an externalId this connection already uses. Side effects: a new user
    has no usable password (single sign-on) and a verified primary address; one audit event
    (`directory.user_provisioned`, or `directory.user_adopted` for a person already in the portal).
    """
    email = district_email(person.email)
    _check_external_id(connection, person.external_id)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    adopted = user is not None
    if adopted:
        if DirectoryUser.objects.filter(user=user).exists():
            raise DirectoryError(
                _("%(email)s is already provisioned by a directory connection.") % {"email": email}, kind="conflict"
            )
        before = _user_state(user)
    else:
        # No password: people the directory creates sign in through single sign-on.
        user = User.objects.create_user(email=email, password=None)
        before = {}
    _apply_person(user, person)
    user.save()
    _ensure_verified_address(user)
    record = DirectoryUser.objects.create(
        connection=connection,
        user=user,
        external_id=person.external_id or "",
        employee_number=person.employee_number or "",
        display_name=person.display_name or "",
        emails=list(person.emails or []),
    )
    record_event(
        actor=None,
        action="directory.user_adopted" if adopted else "directory.user_provisioned",
        target=user,
        details={**via_connection(connection), "changes": _diff(before, _user_state(user)) if adopted else {}},
    )
    return record


@transaction.atomic
def update_user(*, connection: DirectoryConnection, record: DirectoryUser, person: Person) -> DirectoryUser:
    """Make the portal user what the directory now says (a SCIM PUT or PATCH gives the whole new state).

    `active: false` is how Entra ID deprovisions: the user is deactivated (a `user.save()`, so every
    receiver of User saves runs) and the event is `directory.user_deactivated`; otherwise
    `directory.user_updated` (or `directory.user_reactivated`). Nothing changed: no save, no event.
    Refused: an address off the district's domains (§1.1.1), or one another person has.
    """
    record = DirectoryUser.objects.select_for_update().select_related("user").get(pk=record.pk, connection=connection)
    user = User.objects.select_for_update().get(pk=record.user_id)
    email = district_email(person.email)
    if email != user.email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise DirectoryError(
            _("%(email)s belongs to another person in the portal.") % {"email": email}, kind="conflict"
        )
    if person.external_id != record.external_id:
        _check_external_id(connection, person.external_id, exclude=record.pk)
    before = {**_user_state(user), **_record_state(record)}
    old_email = user.email
    _apply_person(user, person)
    record.external_id = person.external_id or ""
    record.employee_number = person.employee_number or ""
    record.display_name = person.display_name or ""
    record.emails = list(person.emails or [])
    changes = _diff(before, {**_user_state(user), **_record_state(record)})
    if not changes:
        return record
    user.save()
    record.save()
    if old_email != user.email:
        EmailAddress.objects.filter(user=user, email__iexact=old_email).delete()
        _ensure_verified_address(user)
    action = "directory.user_updated"
    if "active" in changes:
        action = "directory.user_reactivated" if user.is_active else "directory.user_deactivated"
    record_event(actor=None, action=action, target=user, details={**via_connection(connection), "changes": changes})
    return record


@transaction.atomic
def remove_user(*, connection: DirectoryConnection, record: DirectoryUser) -> None:
    """A SCIM DELETE: the person leaves the directory. They are deactivated, the memberships the
    directory gave them are removed (instance deletes), and the SCIM resource goes; the portal user
    stays, inactive, for the accounts and the audit trail that name them. One event:
    `directory.user_removed`."""
    record = DirectoryUser.objects.select_for_update().get(pk=record.pk, connection=connection)
    user = User.objects.select_for_update().get(pk=record.user_id)
    groups = [g.display_name for g in record.groups.all()]
    record.groups.clear()
    removed = _sync_memberships(user, connection=connection, wanted={})[1]
    if user.is_active:
        user.is_active = False
        user.save()
    record.delete()
    record_event(
        actor=None,
        action="directory.user_removed",
        target=user,
        details={**via_connection(connection), "groups_left": groups, "memberships_removed": removed},
    )


# --- groups ----------------------------------------------------------------------------------------------------


@transaction.atomic
def create_group(
    *,
    connection: DirectoryConnection,
    display_name: str,
    external_id: str = "",
    members: Iterable[DirectoryUser] = (),
) -> DirectoryGroup:
    """A new directory group (its units are mapped later, in the admin). Members of mapped groups get
    their memberships at once. One event: `directory.group_created`."""
    display_name = _group_name(connection, display_name)
    group = DirectoryGroup.objects.create(
        connection=connection, display_name=display_name, external_id=external_id or ""
    )
    members = _own_members(connection, members)
    group.members.set(members)
    changes = _resync(connection, members)
    record_event(
        actor=None,
        action="directory.group_created",
        target=group,
        details={**via_connection(connection), "members": sorted(m.user.email for m in members), **changes},
    )
    return group


@transaction.atomic
def update_group(
    *,
    connection: DirectoryConnection,
    group: DirectoryGroup,
    display_name: str,
    external_id: str = "",
    members: Iterable[DirectoryUser] = (),
) -> DirectoryGroup:
    """The group's new name and members (a SCIM PUT or PATCH gives the whole new state). People who
    joined get the memberships its mappings give; people who left lose those (unless another of their
    groups gives the same). One event: `directory.group_updated`; nothing changed: none."""
    group = DirectoryGroup.objects.select_for_update().get(pk=group.pk, connection=connection)
    members = _own_members(connection, members)
    before = set(group.members.all())
    after = set(members)
    name = _group_name(connection, display_name, exclude=group.pk)
    renamed = name != group.display_name or (external_id or "") != group.external_id
    if not renamed and before == after:
        return group
    group.display_name, group.external_id = name, external_id or ""
    group.save()
    group.members.set(after)
    changes = _resync(connection, before ^ after)
    record_event(
        actor=None,
        action="directory.group_updated",
        target=group,
        details={
            **via_connection(connection),
            "display_name": name,
            "joined": sorted(m.user.email for m in after - before),
            "left": sorted(m.user.email for m in before - after),
            **changes,
        },
    )
    return group


@transaction.atomic
def delete_group(*, connection: DirectoryConnection, group: DirectoryGroup) -> None:
    """The directory deleted the group: its members lose the memberships it gave. One event:
    `directory.group_deleted` (the event keeps the group's name)."""
    group = DirectoryGroup.objects.select_for_update().get(pk=group.pk, connection=connection)
    members = list(group.members.select_related("user"))
    name = str(group)
    group.members.clear()
    group.mappings.all().delete()
    changes = _resync(connection, members)
    record_event(
        actor=None,
        action="directory.group_deleted",
        target=group,
        details={**via_connection(connection), "group": name, **changes},
    )
    group.delete()


@transaction.atomic
def apply_group_mappings(*, actor: User, group: DirectoryGroup) -> dict:
    """After a district admin changed a group's mappings in the admin: every member's memberships
    follow the new mappings. Only district admins. One event: `directory.mappings_applied`."""
    if not (actor.is_authenticated and actor.is_district_admin):
        raise NotPermitted(_("Only district admins map directory groups to units."))
    group = DirectoryGroup.objects.select_for_update().get(pk=group.pk)
    changes = _resync(group.connection, list(group.members.select_related("user")))
    record_event(
        actor=actor,
        action="directory.mappings_applied",
        target=group,
        details={
            **via_connection(group.connection),
            "mappings": [str(m) for m in group.mappings.select_related("org_unit")],
            **changes,
        },
    )
    return changes


# --- bulk set-up (called by services.bulk inside its own transaction and audit event) --------------------------


def ensure_person(*, email: str, first_name: str, last_name: str) -> tuple[User, str]:
    """The user with this district address, created (no usable password) or updated from a staff file.
    Returns the user and what happened: "created", "updated" or "unchanged". Audited by the caller."""
    email = district_email(email, attribute="email")
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, first_name=first_name, last_name=last_name)
        _ensure_verified_address(user)
        return user, "created"
    changed = False
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    if changed:
        user.save()
    return user, "updated" if changed else "unchanged"


def sync_imported_memberships(user: User, wanted: dict[tuple[int, str], str]) -> tuple[list[str], list[str]]:
    """Give `user` exactly the imported memberships in `wanted` ({(unit id, role): title}); those
    made by hand or by a SCIM connection are left alone. Returns (added, removed) as text."""
    return _sync_memberships(user, connection=None, wanted=wanted)


@transaction.atomic
def offboard_user(*, actor: User, user: User, reason: str) -> None:
    """Deactivate a person who left (absent from a full staff import). District admins only; people a
    directory connection manages are left to that directory. One event: `directory.user_offboarded`."""
    if not (actor.is_authenticated and actor.is_district_admin):
        raise NotPermitted(_("Only district admins offboard people."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if DirectoryUser.objects.filter(user=user).exists():
        raise DirectoryError(
            _("%(email)s is managed by a directory connection: offboard them there.") % {"email": user.email}
        )
    if user.pk == actor.pk:
        raise DirectoryError(_("You cannot offboard yourself."))
    if not user.is_active:
        return
    user.is_active = False
    user.save()
    record_event(actor=actor, action="directory.user_offboarded", target=user, details={"reason": reason})


# --- helpers ---------------------------------------------------------------------------------------------------


def _apply_person(user: User, person: Person) -> None:
    user.email = district_email(person.email)
    user.first_name = (person.given_name or "")[:150]
    user.last_name = (person.family_name or "")[:150]
    user.is_active = bool(person.active)


def _user_state(user: User) -> dict:
    return {
        "userName": user.email,
        "givenName": user.first_name,
        "familyName": user.last_name,
        "active": user.is_active,
    }


def _record_state(record: DirectoryUser) -> dict:
    return {
        "externalId": record.external_id,
        "employeeNumber": record.employee_number,
        "displayName": record.display_name,
        "emails": record.emails,
    }


def _diff(before: dict, after: dict) -> dict:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def _ensure_verified_address(user: User) -> None:
    # The directory vouches for the address: single sign-on can match it without a confirmation e-mail.
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


def _check_external_id(connection: DirectoryConnection, external_id: str, *, exclude: int | None = None) -> None:
    if not external_id:
        return
    taken = DirectoryUser.objects.filter(connection=connection, external_id=external_id)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DirectoryError(
            _("externalId %(id)s is already used by another user.") % {"id": repr(external_id)}, kind="conflict"
        )


def _group_name(connection: DirectoryConnection, display_name: str, *, exclude: int | None = None) -> str:
    name = (display_name or "").strip()
    if not name:
        raise DirectoryError(_("A group needs a displayName."), problems={"displayName": "required"})
    taken = DirectoryGroup.objects.filter(connection=connection, display_name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise DirectoryError(_("A group named %(name)s already exists.") % {"name": repr(name)}, kind="conflict")
    return name[:255]


def _own_members(connection: DirectoryConnection, members: Iterable[DirectoryUser]) -> list[DirectoryUser]:
    members = list(members)
    if any(m.connection_id != connection.pk for m in members):
        raise DirectoryError(_("A group's members must be users of the same connection."), kind="not_found")
    return members


def _wanted_memberships(record: DirectoryUser) -> dict[tuple[int, str], str]:
    """{(unit id, role): title} that the user's groups give, through their mappings."""
    wanted: dict[tuple[int, str], str] = {}
    for mapping in GroupMapping.objects.filter(group__members=record).order_by("pk"):
        wanted.setdefault((mapping.org_unit_id, mapping.role), mapping.title)
    return wanted


def _resync(connection: DirectoryConnection, records: Iterable[DirectoryUser]) -> dict:
    """Bring the memberships of these users in line with their groups; the changes, for the audit event."""
    added: list[str] = []
    removed: list[str] = []
    for record in sorted(set(records), key=lambda r: r.pk):
        user = User.objects.select_for_update().get(pk=record.user_id)
        plus, minus = _sync_memberships(user, connection=connection, wanted=_wanted_memberships(record))
        added += plus
        removed += minus
    return {"memberships_added": added, "memberships_removed": removed}


def _sync_memberships(
    user: User, *, connection: DirectoryConnection | None, wanted: dict[tuple[int, str], str]
) -> tuple[list[str], list[str]]:
    """Make the memberships that `connection` (None: the bulk import) manages for `user` exactly
    `wanted`. New ones are created with Membership saves; gone ones removed with instance deletes."""
    managed = {
        (m.membership.org_unit_id, m.membership.role): m.membership
        for m in ManagedMembership.objects.filter(membership__user=user, connection=connection).select_related(
            "membership__org_unit", "membership__user"
        )
    }
    added, removed = [], []
    for (unit_id, role), title in wanted.items():
        if (unit_id, role) in managed:
            continue
        membership, created = Membership.objects.get_or_create(
            user=user, org_unit_id=unit_id, role=role, defaults={"title": title}
        )
        # A membership another source manages stays theirs; one made by hand is taken over.
        if not ManagedMembership.objects.filter(membership=membership).exists():
            ManagedMembership.objects.create(membership=membership, connection=connection)
        if created:
            added.append(str(membership))
    for key, membership in managed.items():
        if key not in wanted:
            removed.append(str(membership))
            membership.delete()
    return added, removed
