"""Who may see and do what in the registry: the one place that answers it.

Visible entries: the owner's and co-admins' own, the units' approvers (principals, supervisors),
district admins everything; the communications manager reads public active accounts (§1.5.1).
Views fetch through `entries_visible_to` (outsiders get 404) and ask the `can_*` predicates (403);
services ask the same predicates again.
"""

import datetime
import time
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, OrgUnit, User
from accounts.selectors import approvers_of, is_approver, is_approver_of, units_approved_by
from approvals.models import AccountRequest

from .models import RegistryEntry

Status = RegistryEntry.Status


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _ids_owned_or_co_administered(user) -> QuerySet:
    """Ids of the entries the user owns or co-administers: two index look-ups joined by UNION (an OR
    across the co-admins LEFT JOIN made the database read the whole registry)."""
    owned = RegistryEntry.objects.filter(owner=user).order_by().values("pk")
    co_administered = RegistryEntry.co_admins.through.objects.filter(user=user).order_by().values("registryentry_id")
    return owned.union(co_administered)


def entries_visible_to(user) -> QuerySet[RegistryEntry]:
    if not _active(user):
        return RegistryEntry.objects.none()
    qs = RegistryEntry.objects.select_related("platform", "org_unit", "owner")
    if user.is_district_admin:
        return qs
    # One UNION of small id sets (own, co-administered, the units' accounts), each from its own index.
    visible = _ids_owned_or_co_administered(user).union(
        RegistryEntry.objects.filter(org_unit__in=units_approved_by(user)).order_by().values("pk")
    )
    if user.is_communications_manager:
        public = Q(privacy=RegistryEntry.Privacy.PUBLIC, status=Status.ACTIVE)
        return qs.filter(Q(pk__in=visible) | public)
    return qs.filter(pk__in=visible)


def entries_of(user) -> QuerySet[RegistryEntry]:
    """The user's own accounts: owned or co-administered (the employee's "my accounts")."""
    if not _active(user):
        return RegistryEntry.objects.none()
    ids = _ids_owned_or_co_administered(user)
    return RegistryEntry.objects.select_related("platform", "org_unit", "owner").filter(pk__in=ids)


def registry_units(user) -> QuerySet[OrgUnit]:
    """Units whose registry the user keeps (approvers; district admins: every unit)."""
    return units_approved_by(user) if _active(user) else OrgUnit.objects.none()


def can_view_registry(user) -> bool:
    """The registry list: approvers, district admins, and the communications manager (read-only)."""
    return _active(user) and (is_approver(user) or user.is_communications_manager)


def registry_entries_for_list(user) -> QuerySet[RegistryEntry]:
    """What the registry list shows: the user's units, or public active accounts for comms.

    Both are inside what the user may see (`entries_visible_to`), so the list filters by its scope
    alone: no visibility subquery on every page."""
    if not can_view_registry(user):
        return RegistryEntry.objects.none()
    if user.is_district_admin:
        return entries_visible_to(user)
    scope = Q(org_unit__in=units_approved_by(user))
    if user.is_communications_manager:
        scope |= Q(privacy=RegistryEntry.Privacy.PUBLIC, status=Status.ACTIVE)
    return RegistryEntry.objects.select_related("platform", "org_unit", "owner").filter(scope)


def is_owner_or_co_admin(user, entry: RegistryEntry) -> bool:
    """The owner, while still staff of the account's unit (access follows membership, §1.4.5: an owner who
    left keeps the name until the account is transferred, not the access), or a co-admin."""
    if not _active(user):
        return False
    if entry.owner_id == user.pk:
        return user.is_district_admin or Membership.objects.filter(user=user, org_unit_id=entry.org_unit_id).exists()
    return entry.co_admins.filter(pk=user.pk).exists()


def is_unit_approver(user, entry: RegistryEntry) -> bool:
    """Approver of the entry's unit, or district admin."""
    return _active(user) and is_approver_of(user, entry.org_unit_id)


def can_manage(user, entry: RegistryEntry) -> bool:
    """Disable, remove, reactivate, leave feedback, transfer (§1.4.2): the unit's approvers, once the
    account is confirmed (an import awaiting confirmation is confirmed or refused, nothing else)."""
    return entry.status != Status.PENDING and is_unit_approver(user, entry)


def can_edit_credentials(user, entry: RegistryEntry) -> bool:
    """Record a new password or login details: owner, co-admins (while not disabled), approvers."""
    if entry.status in (Status.REMOVED, Status.PENDING):
        return False
    if is_unit_approver(user, entry):
        return True
    return entry.status == Status.ACTIVE and is_owner_or_co_admin(user, entry)


def can_reveal(user, entry: RegistryEntry) -> bool:
    """Owner and co-admins of an active account; the unit's approvers and district admins always, except
    an import awaiting its second approver: nobody reveals that one before it is confirmed (§1.4.6)."""
    if entry.status == Status.PENDING:
        return False
    if is_unit_approver(user, entry):
        return True
    return entry.status == Status.ACTIVE and is_owner_or_co_admin(user, entry)


def reveal_needs_reason(user, entry: RegistryEntry) -> bool:
    """Anyone who does not own or co-administer the account gives a reason (a break-glass reveal)."""
    return not is_owner_or_co_admin(user, entry)


def reveal_needs_mfa(user) -> bool:
    """Approvers and district admins must have two-factor authentication enrolled to reveal."""
    return _active(user) and (user.is_district_admin or is_approver(user))


def has_mfa(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return _active(user) and is_mfa_enabled(user)


def reveal_needs_second_factor(user) -> bool:
    """Whose reveals count only a sign-in or re-authentication made with the second factor: approvers and
    district admins (who must have one) and anyone who enrolled one (§1.4.5)."""
    return reveal_needs_mfa(user) or has_mfa(user)


# The ways allauth records that a session proved who is there (`get_authentication_records`).
IDENTITY_METHODS = frozenset({"password", "mfa", "socialaccount"})


def recently_authenticated(user, records: Iterable[Mapping[str, Any]], *, now: float | None = None) -> bool:
    """This session's authentication records allow a reveal now (§1.4.5).

    `records` are allauth's records of how the session authenticated (sign-in steps and
    re-authentications, each with its method and time). One of them must be younger than
    ACCOUNT_REAUTHENTICATION_TIMEOUT: a sign-in counts as much as a re-authentication, so nobody is
    asked again right after signing in. For `reveal_needs_second_factor` users that record must be the
    second factor ("mfa"): a password alone, fresh or not, never counts for them.
    """
    if not _active(user):
        return False
    now = time.time() if now is None else now
    window = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    methods = {"mfa"} if reveal_needs_second_factor(user) else IDENTITY_METHODS
    for record in records or ():
        if not isinstance(record, Mapping) or record.get("method") not in methods:
            continue
        at = record.get("at")
        if isinstance(at, int | float) and not isinstance(at, bool) and 0 <= now - at < window:
            return True
    return False


def can_manage_co_admins(user, entry: RegistryEntry) -> bool:
    if entry.status in (Status.REMOVED, Status.PENDING):
        return False
    return is_unit_approver(user, entry) or (entry.status == Status.ACTIVE and entry.owner_id == user.pk)


def can_transfer(user, entry: RegistryEntry) -> bool:
    """The unit's approvers hand an account to a new owner (e.g. the teacher leaves)."""
    return entry.status != Status.REMOVED and can_manage(user, entry)


# --- imports that name their importer (§1.4.6) ------------------------------------------------------------------


def import_needs_second_approver(actor, owner, co_admins: Iterable) -> bool:
    """An imported account that names its importer as owner or co-admin waits for someone else (§1.4.6)."""
    return (owner is not None and owner.pk == actor.pk) or any(u.pk == actor.pk for u in co_admins)


def confirmation_refusal(user, entry: RegistryEntry) -> str:
    """Why the user may not confirm or refuse this import, or "" when they may (`can_confirm_import`)."""
    if entry.status != Status.PENDING:
        return _("This account is not waiting for a confirmation.")
    if not is_unit_approver(user, entry):
        return _("Only another principal or supervisor of the unit, or a district admin, can confirm this account.")
    if user.pk in (entry.registered_by_id, entry.owner_id) or entry.co_admins.filter(pk=user.pk).exists():
        # §1.4.6: nobody approves an account they run themselves, or their own import of it.
        return _("You imported this account or administer it: another approver of the unit must confirm it (§1.4.6).")
    return ""


def can_confirm_import(user, entry: RegistryEntry) -> bool:
    """Another approver of the unit, or a district admin, who neither imported nor administers the account."""
    return not confirmation_refusal(user, entry)


def import_confirmers(entry: RegistryEntry) -> list:
    """Who may confirm this pending import: the unit's other approvers, else the district admins."""
    excluded = {entry.registered_by_id, entry.owner_id, *entry.co_admins.values_list("pk", flat=True)}
    approvers = [u for u in approvers_of(entry.org_unit) if u.pk not in excluded]
    if approvers:
        return approvers
    return [u for u in User.objects.filter(is_active=True, is_district_admin=True) if u.pk not in excluded]


def entries_to_confirm(user) -> QuerySet[RegistryEntry]:
    """Imports waiting for this user's confirmation: pending, in units they keep, not theirs (§1.4.6)."""
    if not _active(user):
        return RegistryEntry.objects.none()
    theirs = RegistryEntry.objects.filter(Q(owner=user) | Q(co_admins=user) | Q(registered_by=user)).values("pk")
    return (
        RegistryEntry.objects.select_related("platform", "org_unit", "owner", "registered_by")
        .filter(status=Status.PENDING, org_unit__in=units_approved_by(user))
        .exclude(pk__in=theirs)
    )


def can_review(user, entry: RegistryEntry) -> bool:
    """Site reviews (§1.2.1.3): the owner and co-admins of an active account."""
    return entry.status == Status.ACTIVE and is_owner_or_co_admin(user, entry)


def can_see_login_details(user, entry: RegistryEntry) -> bool:
    """Usernames and login addresses: the people who may reveal (not the comms read-only view)."""
    return is_owner_or_co_admin(user, entry) or is_unit_approver(user, entry)


def can_see_history(user, entry: RegistryEntry) -> bool:
    return can_see_login_details(user, entry)


def can_import(user) -> bool:
    return _active(user) and is_approver(user)


def can_export(user) -> bool:
    return _active(user) and is_approver(user)


def registration_refusal(user, account_request: AccountRequest) -> str:
    """Why the user may not register this request now, or "" when they may (the rule of `can_register`)."""
    if account_request.status != AccountRequest.Status.APPROVED:
        return _("Only an approved request can be registered (§1.4.6).")
    if RegistryEntry.objects.filter(request=account_request).exists():
        return _("This request has already been registered.")
    if not (
        _active(user) and (account_request.requester_id == user.pk or is_approver_of(user, account_request.org_unit_id))
    ):
        return _("Only the requester or the unit's principal or supervisor can register this account.")
    return ""


def can_register(user, account_request: AccountRequest) -> bool:
    """The requester, or an approver of the request's unit, registers an approved request once (§1.4.6)."""
    return not registration_refusal(user, account_request)


def entry_of_request(account_request: AccountRequest) -> RegistryEntry | None:
    """The registry entry a request was registered as, if any."""
    return RegistryEntry.objects.filter(request=account_request).first()


def requests_to_register(user) -> QuerySet[AccountRequest]:
    """The user's approved requests that have no registry entry yet."""
    if not _active(user):
        return AccountRequest.objects.none()
    return (
        AccountRequest.objects.select_related("platform", "org_unit")
        .filter(requester=user, status=AccountRequest.Status.APPROVED, registry_entry__isnull=True)
        .order_by("decided_at", "id")
    )


def overdue(qs: QuerySet[RegistryEntry], today: datetime.date | None = None) -> QuerySet[RegistryEntry]:
    return qs.filter(status=Status.ACTIVE, next_review_due__lt=today or timezone.localdate())


def approver_stats(user) -> dict[str, int]:
    """Counts for the approver's home cards, over the units they keep (one pass, six counts)."""
    qs = RegistryEntry.objects.exclude(status=Status.REMOVED)
    if not user.is_district_admin:  # district admins keep every unit: no unit filter to join
        qs = qs.filter(org_unit__in=registry_units(user))
    active = Q(status=Status.ACTIVE)
    return {
        **qs.aggregate(
            overdue_reviews=Count("pk", filter=active & Q(next_review_due__lt=timezone.localdate())),
            needs_new_owner=Count("pk", filter=Q(needs_new_owner=True)),
            needs_password_rotation=Count("pk", filter=Q(needs_password_rotation=True)),
            disabled=Count("pk", filter=Q(status=Status.DISABLED)),
            decommission_requested=Count("pk", filter=active & Q(decommission_requested_at__isnull=False)),
        ),
        "to_confirm": entries_to_confirm(user).count(),
    }


def handle_or_url_match(query: str) -> Q:
    """Entries whose handle is `query` (any case, without @) or whose public link is the same page."""
    from .models import normalize_handle, normalize_url

    match = Q(handle__iexact=normalize_handle(query))
    if "." in query or "/" in query:
        match |= Q(lookup_url=normalize_url(query), lookup_url__gt="")
    return match


def official_accounts_matching(query: str) -> QuerySet[RegistryEntry]:
    """The public check: registered, active, public-network accounts matching a handle or URL. Nothing else."""
    query = (query or "").strip()[:300]
    if not query:
        return RegistryEntry.objects.none()
    return (
        RegistryEntry.objects.select_related("platform", "org_unit")
        .filter(handle_or_url_match(query), status=Status.ACTIVE, privacy=RegistryEntry.Privacy.PUBLIC)
        .order_by("org_unit__name", "platform__name")
    )


# --- Enough hands (§1.4.5, issue 15) ------------------------------------------------------------------


def admins_needed() -> int:
    """People with administrative access each active account needs: the owner and co-admins (MIN_ACCOUNT_ADMINS)."""
    return max(1, settings.MIN_ACCOUNT_ADMINS)


def short_of_admins(entries: QuerySet[RegistryEntry] | None = None) -> QuerySet[RegistryEntry]:
    """Active accounts held by fewer people than `admins_needed()` (§1.4.5: nobody leaving strands one)."""
    entries = RegistryEntry.objects.all() if entries is None else entries
    ids = (
        RegistryEntry.objects.filter(status=Status.ACTIVE)
        .annotate(co_admin_count=Count("co_admins", distinct=True))
        .filter(co_admin_count__lt=admins_needed() - 1)
        .values("pk")
    )
    return entries.filter(pk__in=ids)
