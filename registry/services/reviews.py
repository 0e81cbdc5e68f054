"""Site reviews: the owner confirms the site is current, or asks to decommission it (§1.2.1.3)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import approvers_of
from audit.services import record_event

from .. import selectors
from ..models import RegistryEntry, SiteReview
from ._common import RegistryError, entry_url, lock, next_review, notify_all


@transaction.atomic
def confirm_review(*, actor: User, entry: RegistryEntry, note: str = "") -> SiteReview:
    """ "Still in use and current": the next review is one cadence from today.

    Starting state: active. Who: the owner or a co-admin. Side effects: one audit event.
    """
    entry = lock(entry)
    if not selectors.can_review(actor, entry):
        raise RegistryError("Only the owner or a co-administrator of an active account can confirm its review.")
    now = timezone.now()
    entry.last_reviewed_at = now
    entry.next_review_due = next_review(entry.review_cadence_days)
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
    entry = lock(entry)
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
    notify_all(
        [u for u in approvers_of(entry.org_unit) if u.pk != actor.pk],
        kind="registry.decommission_requested",
        context={"entry": entry, "actor": actor, "note": review.note},
        url=entry_url(entry),
    )
    return review
