"""Small helpers the registry's service modules share (not part of the public API)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.validators import validate_district_email
from core.errors import DomainError
from notifications.services import notify

from ..models import RegistryEntry

Status = RegistryEntry.Status


class RegistryError(DomainError):
    """A registry action was refused; the message is written for the person who tried it."""


def lock(entry: RegistryEntry) -> RegistryEntry:
    """The entry again, locked for the rest of the transaction."""
    return (
        RegistryEntry.objects.select_for_update(of=("self",))
        .select_related("platform", "org_unit", "owner")
        .get(pk=entry.pk)
    )


def today() -> datetime.date:
    return timezone.localdate()


def next_review(cadence_days: int, start: datetime.date | None = None) -> datetime.date:
    return (start or today()) + datetime.timedelta(days=cadence_days)


def entry_url(entry: RegistryEntry) -> str:
    return reverse("registry:detail", args=[entry.pk])


def require_reason(reason: str, message: str = "") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RegistryError(message or _("Give a reason for this: the owner is told and the audit trail keeps it."))
    return reason


def district_email_problem(value: str, label: str) -> str:
    """Why `value` is not a district address (§1.1.1), or "" when it is one."""
    try:
        validate_email(value)  # an address at all (the import has no form field to check it)
        validate_district_email(value)
    except ValidationError as error:
        return _("%(field)s: %(problem)s") % {"field": label, "problem": " ".join(error.messages)}
    return ""


def check_district_email(value: str, label: str) -> None:
    problem = district_email_problem(value, label)
    if problem:
        raise RegistryError(problem)


def is_member(user: User, org_unit_id: int) -> bool:
    return Membership.objects.filter(user=user, org_unit_id=org_unit_id).exists()


def co_admin_problem(user: User, org_unit_id: int | None) -> str:
    """Why `user` may not administer an account of the unit (§1.4.5), or "" when they may.

    Without a unit (an import row naming an unknown one), only whether they are still active.
    """
    if not user.is_active:
        return _("%(name)s no longer has an active account and cannot be a co-admin.") % {"name": user.short_name}
    if org_unit_id is not None and not (is_member(user, org_unit_id) or user.is_district_admin):
        return _("%(name)s is not staff of this unit and cannot be a co-admin.") % {"name": user.short_name}
    return ""


def people(entry: RegistryEntry, *, exclude: User | None = None) -> list[User]:
    """Owner and co-admins (the people an action on the account concerns), minus the actor."""
    seen, result = set(), []
    for user in [entry.owner, *entry.co_admins.all()]:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        result.append(user)
    return result


def notify_all(users: Iterable[User], *, kind: str, context: Mapping[str, Any], url: str) -> None:
    """One notification of `kind` (text: templates/notifications/<kind>/) to each user."""
    for user in users:
        notify(recipient=user, kind=kind, context=context, url=url)
