"""Site reviews: the owner confirms the site is current and still identifies itself (§1.2.1.3, §1.2.4), or
asks to decommission it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import approvers_of
from audit.services import record_event

from .. import selectors
from ..models import RegistryEntry, SiteReview
from ._common import RegistryError, entry_url, lock, next_review, notify_all


@transaction.atomic
def confirm_review(
    *,
    actor: User,
    entry: RegistryEntry,
    identification_confirmed: bool,
    identification_text: str | None = None,
    school_website_url: str | None = None,
    note: str = "",
) -> SiteReview:
    """ "Still in use and current": the next review is one cadence from today.

    The owner also confirms that the site still shows how it identifies itself as a district site and
    links to the school or unit website (§1.2.4): `identification_confirmed` must be true, and the entry
    must have both on record afterwards. `identification_text` and `school_website_url`, when given,
    correct what is on record (an imported account may have had none).
    Starting state: active. Who: the owner or a co-admin. Side effects: one audit event.
    """
    entry = lock(entry)
    if not selectors.can_review(actor, entry):
        raise RegistryError(_("Only the owner or a co-administrator of an active account can confirm its review."))
    updated = []
    if identification_text is not None and identification_text.strip() != entry.identification_text:
        entry.identification_text = identification_text.strip()
        updated.append("identification_text")
    if school_website_url is not None and school_website_url.strip() != entry.school_website_url:
        url = school_website_url.strip()
        if url and not _is_web_url(url):
            raise RegistryError(_("Enter the school or unit website as a full link (https://…) (§1.2.4)."))
        entry.school_website_url = url
        updated.append("school_website_url")
    if not entry.has_identification:
        raise RegistryError(
            _(
                "Record how the site identifies itself and the school website it links to (§1.2.4) before "
                "confirming it is current."
            )
        )
    if not identification_confirmed:
        raise RegistryError(
            _("Confirm that the site still shows its identification and links to the school website (§1.2.4).")
        )
    now = timezone.now()
    entry.last_reviewed_at = now
    entry.next_review_due = next_review(entry.review_cadence_days)
    entry.save(update_fields=["last_reviewed_at", "next_review_due", "updated_at", *updated])
    review = SiteReview.objects.create(
        entry=entry,
        reviewed_by=actor,
        outcome=SiteReview.Outcome.CURRENT,
        note=(note or "").strip(),
        identification_confirmed=True,
    )
    record_event(
        actor=actor,
        action="registry.review_confirmed",
        target=entry,
        org_unit=entry.org_unit,
        details={
            "next_review_due": entry.next_review_due.isoformat(),
            "note": review.note[:500],
            "identification_confirmed": True,
            **({"fields": updated} if updated else {}),
        },
    )
    return review


def _is_web_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= RegistryEntry._meta.get_field("school_website_url").max_length


@transaction.atomic
def request_decommission(*, actor: User, entry: RegistryEntry, note: str = "") -> SiteReview:
    """The site is no longer in use (§1.2.1.3): ask the unit's approvers to remove it from the registry.

    Starting state: active, not already asked. Who: the owner or a co-admin. Side effects: one audit event;
    the unit's approvers are told.
    """
    entry = lock(entry)
    if not selectors.can_review(actor, entry):
        raise RegistryError(_("Only the owner or a co-administrator of an active account can ask to decommission it."))
    if entry.decommission_requested_at:
        raise RegistryError(_("Decommissioning was already requested; the principal or supervisor has been told."))
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
