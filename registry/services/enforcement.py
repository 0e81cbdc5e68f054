"""The unit's approvers act on an account: disable, remove, reactivate or leave feedback (§1.4.2)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event

from .. import selectors
from ..models import EnforcementAction, RegistryEntry
from ._common import RegistryError, Status, entry_url, lock, next_review, notify_all, people, require_reason

Kind = EnforcementAction.Kind

# The statuses each action may start from, and the status it leaves (feedback changes none).
_ALLOWED_FROM = {
    Kind.DISABLE: (Status.ACTIVE,),
    Kind.REMOVE: (Status.ACTIVE, Status.DISABLED),
    Kind.FEEDBACK: (Status.ACTIVE, Status.DISABLED),
    Kind.REACTIVATE: (Status.DISABLED,),
}
_NEW_STATUS = {
    Kind.DISABLE: Status.DISABLED,
    Kind.REMOVE: Status.REMOVED,
    Kind.REACTIVATE: Status.ACTIVE,
}
# The audit action, which is also the notification kind (templates/notifications/<kind>/).
_ACTION_NAME = {
    Kind.DISABLE: "registry.disabled",
    Kind.REMOVE: "registry.removed",
    Kind.FEEDBACK: "registry.feedback",
    Kind.REACTIVATE: "registry.reactivated",
}


def _enforce(*, actor: User, entry: RegistryEntry, kind: str, reason: str) -> EnforcementAction:
    entry = lock(entry)
    if not selectors.can_manage(actor, entry):
        raise RegistryError(_("Only the unit's principal or supervisor can do this (§1.4.2)."))
    reason = require_reason(reason)
    if entry.status not in _ALLOWED_FROM[kind]:
        raise RegistryError(
            _("This account is %(status)s: that is not possible now.") % {"status": entry.get_status_display().lower()}
        )
    if kind in _NEW_STATUS:
        entry.status = _NEW_STATUS[kind]
        entry.status_changed_at = timezone.now()
        if kind == Kind.REMOVE:
            entry.decommission_requested_at = None
        if kind == Kind.REACTIVATE:
            # A review is due again one cadence from now, not in the past.
            entry.next_review_due = max(entry.next_review_due, next_review(entry.review_cadence_days))
        entry.save()
    action = EnforcementAction.objects.create(entry=entry, actor=actor, kind=kind, reason=reason)
    record_event(
        actor=actor,
        action=_ACTION_NAME[kind],
        target=entry,
        org_unit=entry.org_unit,
        details={"reason": reason[:1000], "status": entry.status},
    )
    notify_all(
        people(entry, exclude=actor),
        kind=_ACTION_NAME[kind],
        context={"entry": entry, "actor": actor, "reason": reason},
        url=entry_url(entry),
    )
    return action


@transaction.atomic
def disable_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Active → disabled, with a reason (§1.4.2). Who: the unit's approvers. The owner and co-admins are told."""
    return _enforce(actor=actor, entry=entry, kind=Kind.DISABLE, reason=reason)


@transaction.atomic
def remove_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Active or disabled → removed, with a reason (§1.4.2). The entry stays as history. Who: the unit's approvers."""
    return _enforce(actor=actor, entry=entry, kind=Kind.REMOVE, reason=reason)


@transaction.atomic
def leave_feedback(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Feedback without a status change (§1.4.2). Who: the unit's approvers. The owner and co-admins are told."""
    return _enforce(actor=actor, entry=entry, kind=Kind.FEEDBACK, reason=reason)


@transaction.atomic
def reactivate_account(*, actor: User, entry: RegistryEntry, reason: str) -> EnforcementAction:
    """Disabled → active, with a reason. Removed accounts stay removed. Who: the unit's approvers."""
    return _enforce(actor=actor, entry=entry, kind=Kind.REACTIVATE, reason=reason)


ENFORCEMENT_SERVICES = {
    Kind.DISABLE: disable_account,
    Kind.REMOVE: remove_account,
    Kind.FEEDBACK: leave_feedback,
    Kind.REACTIVATE: reactivate_account,
}
