"""Every change to offboarding cases (AP 1311 §1.4.5: the registry must keep knowing who holds each account).

- `open_case`: called by the receivers after a person left a unit, lost its approver role or was
  deactivated (after the registry's `withdraw_access` has flagged the accounts).
- `complete_items`: called when an audit event says the work of some items was done (an ownership
  transfer, new login details, a removed account, a withdrawn or decided request).
- `withdraw_request_of_departed`, `reassign_request_of_departed`: the approvers' two ways to close a request
  the person left open (withdraw it, or hand it to a colleague of the unit who carries it on).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, OrgUnit, User
from approvals import services as approvals
from approvals.models import AccountRequest
from audit.models import AuditEvent
from audit.services import record_event
from core.errors import DomainError, NotPermitted
from notifications.services import notify
from registry.models import RegistryEntry

from . import selectors
from .models import AccessReview, CaseItem, OffboardingCase, ReviewItem

Kind = CaseItem.Kind


class OffboardingError(DomainError):
    """An offboarding action that cannot be done; the message says why."""


def _case_url(case: OffboardingCase) -> str:
    return reverse("offboarding:detail", args=[case.pk])


def _wanted_items(person: User, unit: OrgUnit, since) -> list[tuple[str, RegistryEntry | None, AccountRequest | None]]:
    """What the person's leaving left undone in the unit, as the registry flagged it for them."""
    events = AuditEvent.objects.filter(action="registry.access_withdrawn", org_unit=unit, details__user=person.email)
    if since is not None:
        events = events.filter(created_at__gt=since)
    changes_by_entry: dict[int, set[str]] = {}
    for target_id, details in events.values_list("target_id", "details"):
        changes_by_entry.setdefault(int(target_id), set()).update(details.get("changes", []))
    wanted: list[tuple[str, RegistryEntry | None, AccountRequest | None]] = []
    live = RegistryEntry.objects.exclude(status=RegistryEntry.Status.REMOVED).filter(org_unit=unit)
    for entry in live.filter(Q(pk__in=changes_by_entry) | Q(owner=person, needs_new_owner=True)).order_by("pk"):
        changes = changes_by_entry.get(entry.pk, set())
        if entry.needs_new_owner and entry.owner_id == person.pk:
            wanted.append((Kind.NEW_OWNER, entry, None))
        if entry.needs_password_rotation and ("needs_password_rotation" in changes or entry.owner_id == person.pk):
            wanted.append((Kind.NEW_PASSWORD, entry, None))
    if not (person.is_active and Membership.objects.filter(user=person, org_unit=unit).exists()):
        for r in AccountRequest.objects.filter(
            requester=person, org_unit=unit, status__in=AccountRequest.WITHDRAWABLE_STATES
        ).order_by("pk"):
            wanted.append((Kind.PENDING_REQUEST, None, r))
    return wanted


@transaction.atomic
def open_case(
    *, person: User, org_unit: OrgUnit, trigger: str, actor: User | None = None, withdrawn: list[dict] | None = None
) -> OffboardingCase | None:
    """Open (or add to) the one open case of `person` leaving `org_unit`.

    Called by the portal itself after a departure; safe to call again for a second trigger of the same
    departure: the open case is reused and only new items are added (no second case). Nothing to do
    (no flagged account, no open request) opens no case. Side effects: one audit event
    (`offboarding.case_opened`, or `offboarding.case_extended` when items were added to the open case);
    the unit's other approvers (else the district admins) are told when a case opens, in one message that
    also lists what the registry already changed (`withdrawn`: the rows of `registry.withdraw_access`,
    which then sends nothing itself; issue 15). `case.told` says whether this call told them.
    """
    # Lock the person's row: two triggers of one departure in parallel wait for each other here.
    User.objects.select_for_update().filter(pk=person.pk).first()
    case = OffboardingCase.objects.filter(person=person, org_unit=org_unit, closed_at__isnull=True).first()
    last_closed = (
        OffboardingCase.objects.filter(person=person, org_unit=org_unit, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    wanted = _wanted_items(person, org_unit, last_closed)
    if case is None and not wanted:
        return None
    created = case is None
    if created:
        case = OffboardingCase.objects.create(person=person, org_unit=org_unit, trigger=trigger)
    have = {(i.kind, i.entry_id, i.account_request_id) for i in case.items.all()}
    added = [
        CaseItem.objects.create(case=case, kind=kind, entry=entry, account_request=req)
        for kind, entry, req in wanted
        if (kind, entry.pk if entry else None, req.pk if req else None) not in have
    ]
    case.told = False
    if not created and not added:
        return case
    record_event(
        actor=actor,
        action="offboarding.case_opened" if created else "offboarding.case_extended",
        target=case,
        org_unit=org_unit,
        details={"user": person.email, "trigger": trigger, "items": len(added)},
    )
    if created:
        for recipient in selectors.responsible_for(org_unit, exclude=person):
            notify(
                recipient=recipient,
                kind="offboarding.case_opened",
                context={"case": case, "items": added, "rows": withdrawn or []},
                url=_case_url(case),
            )
        case.told = True
    return case


_CLOSES = {
    "registry.ownership_transferred": ("entry", [Kind.NEW_OWNER]),
    "registry.credentials_updated": ("entry", [Kind.NEW_PASSWORD]),
    "registry.removed": ("entry", [Kind.NEW_OWNER, Kind.NEW_PASSWORD]),
    "request.withdrawn": ("request", [Kind.PENDING_REQUEST]),
    "request.reassigned": ("request", [Kind.PENDING_REQUEST]),
    "request.rejected": ("request", [Kind.PENDING_REQUEST]),
    "request.approved": ("request", [Kind.PENDING_REQUEST]),
}


def closes(action: str) -> bool:
    return action in _CLOSES


@transaction.atomic
def complete_items(*, event: AuditEvent) -> int:
    """Mark done the open items whose work `event` records, and close each case left with nothing to do.

    A new-password item closes only once the account no longer needs rotation (new details without a
    new password leave it open). Side effects: one `offboarding.item_done` event per item, and one
    `offboarding.case_closed` per case closed. Returns the number of items done.
    """
    what, kinds = _CLOSES[event.action]
    items = CaseItem.objects.select_for_update(of=("self",)).filter(
        done_at__isnull=True, kind__in=kinds, case__closed_at=None
    )
    items = (
        items.filter(entry_id=event.target_id) if what == "entry" else items.filter(account_request_id=event.target_id)
    )
    done = 0
    cases = set()
    for item in items.select_related("case", "entry"):
        rotation_pending = RegistryEntry.objects.filter(pk=item.entry_id, needs_password_rotation=True).exists
        if item.kind == Kind.NEW_PASSWORD and event.action != "registry.removed" and rotation_pending():
            continue  # new login details without a new password: still to do
        item.done_at, item.done_by, item.done_how = timezone.now(), event.actor, event.action
        item.save(update_fields=["done_at", "done_by", "done_how"])
        record_event(
            actor=event.actor,
            action="offboarding.item_done",
            target=item.case,
            org_unit=item.case.org_unit,
            details={"item": item.get_kind_display(), "account": str(item.entry or item.account_request)},
        )
        cases.add(item.case)
        done += 1
    for case in cases:
        if not case.items.filter(done_at__isnull=True).exists():
            OffboardingCase.objects.filter(pk=case.pk).update(closed_at=timezone.now())
            record_event(
                actor=event.actor,
                action="offboarding.case_closed",
                target=case,
                org_unit=case.org_unit,
                details={"user": case.person.email},
            )
    return done


@transaction.atomic
def withdraw_request_of_departed(*, actor: User, item: CaseItem, reason: str = "") -> CaseItem:
    """Withdraw a request the departed person left open (through approvals' service, which audits it).

    Who: the unit's approvers and district admins. The item closes by the request's own audit event.
    """
    item = CaseItem.objects.select_for_update(of=("self",)).select_related("case", "account_request").get(pk=item.pk)
    if not selectors.can_work_on(actor, item.case):
        raise OffboardingError(_("Only the unit's principal or supervisor can work on this case."))
    if item.kind != Kind.PENDING_REQUEST or item.is_done:
        raise OffboardingError(_("This item has nothing left to withdraw."))
    approvals.withdraw_request_of_departed(
        account_request=item.account_request, user=actor, reason=reason or "The requester left the unit."
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def reassign_request_of_departed(*, actor: User, item: CaseItem, new_requester: User, reason: str = "") -> CaseItem:
    """Hand a request the departed person left open to a colleague of the unit (through approvals' service,
    which checks the colleague, moves the request and audits it: `request.reassigned`).

    Who: the unit's approvers and district admins. The item closes by the request's own audit event.
    """
    item = CaseItem.objects.select_for_update(of=("self",)).select_related("case", "account_request").get(pk=item.pk)
    if not selectors.can_work_on(actor, item.case):
        raise OffboardingError(_("Only the unit's principal or supervisor can work on this case."))
    if item.kind != Kind.PENDING_REQUEST or item.is_done:
        raise OffboardingError(_("This item has no request left to hand over."))
    approvals.reassign_request_of_departed(
        account_request=item.account_request, user=actor, new_requester=new_requester, reason=reason
    )
    item.refresh_from_db()
    return item


# --- Access reviews (recertification) and the principal's handover ----------------------------------


def _review_items(review: AccessReview, unit_ids) -> int:
    entries = RegistryEntry.objects.filter(org_unit_id__in=unit_ids, status=RegistryEntry.Status.ACTIVE)
    ReviewItem.objects.bulk_create(
        [ReviewItem(review=review, org_unit_id=e.org_unit_id, entry=e) for e in entries.order_by("pk")]
    )
    return review.items.count()


@transaction.atomic
def start_review(*, actor: User, title: str, due_on, org_units) -> AccessReview:
    """A district admin starts an access review of the units' active accounts, due `due_on` (§1.4.5, §1.2.1.3).

    Who: district admins. Side effects: one audit event; each unit's approvers (else the admins) are told.
    """
    if not (actor.is_active and actor.is_district_admin):
        raise NotPermitted(_("Only district admins start access reviews."))
    if due_on <= timezone.localdate():
        raise OffboardingError(_("The due date must be after today."))
    units = list(org_units)
    if not units:
        raise OffboardingError(_("Choose at least one unit."))
    review = AccessReview.objects.create(
        title=(title or "").strip()[:120] or "Access review", due_on=due_on, started_by=actor
    )
    count = _review_items(review, [u.pk for u in units])
    record_event(
        actor=actor,
        action="offboarding.review_started",
        target=review,
        details={"units": [u.code for u in units], "accounts": count, "due_on": due_on.isoformat()},
    )
    for unit in units:
        for recipient in selectors.responsible_for(unit):
            notify(
                recipient=recipient,
                kind="offboarding.review_started",
                context={"review": review, "unit": unit},
                url=reverse("offboarding:review", args=[review.pk]),
            )
    return review


@transaction.atomic
def start_handover_review(*, approver: User, org_unit: OrgUnit, days: int = 30) -> AccessReview | None:
    """Principal handover (issue 15): a new approver of `org_unit` gets a review of its registry, for that unit.

    Called by the portal when an approver membership is created; nothing to review (no active account)
    starts none. Side effects: one audit event (actor: the portal); the new approver is told.
    """
    if not RegistryEntry.objects.filter(org_unit=org_unit, status=RegistryEntry.Status.ACTIVE).exists():
        return None
    review = AccessReview.objects.create(
        title=f"Handover review of {org_unit}"[:120],
        due_on=timezone.localdate() + timedelta(days=days),
        handover_to=approver,
    )
    count = _review_items(review, [org_unit.pk])
    record_event(
        actor=None,
        action="offboarding.handover_review_started",
        target=review,
        org_unit=org_unit,
        details={"user": approver.email, "accounts": count},
    )
    notify(
        recipient=approver,
        kind="offboarding.review_started",
        context={"review": review, "unit": org_unit, "handover": True},
        url=reverse("offboarding:review", args=[review.pk]),
    )
    return review


@transaction.atomic
def answer_review_item(
    *,
    actor: User,
    item: ReviewItem,
    still_in_use: bool,
    owner_right: bool,
    co_admins_right: bool,
    password_current: bool,
) -> ReviewItem:
    """The approver's answer for one account of a review (§1.4.5, §1.2.1.3); a later answer replaces it.

    Who: the unit's approvers (district admins too). Side effects: one audit event with the answers.
    Fixing what is wrong happens on the registry's own pages (transfer, co-admins, new password).
    """
    item = (
        ReviewItem.objects.select_for_update(of=("self",)).select_related("review", "org_unit", "entry").get(pk=item.pk)
    )
    if not selectors.can_answer(actor, item):
        raise NotPermitted(_("Only the unit's principal or supervisor answers for its accounts."))
    answers = {
        "still_in_use": still_in_use,
        "owner_right": owner_right,
        "co_admins_right": co_admins_right,
        "password_current": password_current,
    }
    for name, value in answers.items():
        setattr(item, name, bool(value))
    item.answered_by, item.answered_at = actor, timezone.now()
    item.save()
    record_event(
        actor=actor,
        action="offboarding.review_answered",
        target=item.entry,
        org_unit=item.org_unit,
        details={"review": item.review.title, **answers},
    )
    return item
