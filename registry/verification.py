"""Is this an official district account? One answer for the public page and the API's `verify`.

Only accounts on a public network are ever confirmed or denied (a private class page stays
unknown, §1.4.4). An active one is *official*; one that was official and is now disabled or removed
(§1.4.2) is *retired*, so that a family who finds an old school page knows nobody keeps it any
more. The answer names the account, its platform and its unit, nothing else: never an owner, a
login detail or a date.

The official matches are `selectors.official_accounts_matching`, unchanged; retired ones use the
same handle-or-URL match on the other statuses.
"""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import RegistryEntry
from .selectors import handle_or_url_match, official_accounts_matching

Status = RegistryEntry.Status
MAX_ACCOUNTS = 5


@dataclass(frozen=True)
class VerifiedAccount:
    handle: str
    platform: str
    url: str
    unit: str
    unit_website: str
    status: str  # "official" or "retired"


@dataclass(frozen=True)
class Verification:
    query: str
    accounts: list[VerifiedAccount] = field(default_factory=list)

    @property
    def official(self) -> bool:
        return any(a.status == "official" for a in self.accounts)

    @property
    def status(self) -> str:
        if self.official:
            return "official"
        return "retired" if self.accounts else "unknown"


def _retired_matching(query: str) -> QuerySet[RegistryEntry]:
    return (
        RegistryEntry.objects.select_related("platform", "org_unit")
        .filter(
            handle_or_url_match(query),
            status__in=[Status.DISABLED, Status.REMOVED],
            privacy=RegistryEntry.Privacy.PUBLIC,
        )
        .order_by("org_unit__name", "platform__name", "-status_changed_at")
    )


def _account(entry: RegistryEntry, status: str) -> VerifiedAccount:
    return VerifiedAccount(
        handle=entry.handle,
        platform=entry.platform.name,
        url=entry.url,
        unit=entry.org_unit.name,
        unit_website=entry.org_unit.website_url,
        status=status,
    )


def verify(query: str, *, platform: str = "") -> Verification:
    """Look up a handle or a link (optionally on one platform, by name). At most MAX_ACCOUNTS accounts,
    official ones first; a retired account whose handle is official again elsewhere is left out."""
    # NUL never matches a stored handle (and PostgreSQL refuses it in a query): drop it.
    query = (query or "").replace("\x00", "").strip()[:300]
    platform = (platform or "").replace("\x00", "")
    if not query:
        return Verification(query="")
    official = official_accounts_matching(query)
    retired = _retired_matching(query)
    if platform:
        official = official.filter(platform__name__iexact=platform.strip())
        retired = retired.filter(platform__name__iexact=platform.strip())
    accounts = [_account(e, "official") for e in official[:MAX_ACCOUNTS]]
    live = {(a.handle.lower(), a.platform) for a in accounts}
    for entry in retired[: MAX_ACCOUNTS * 2]:
        if len(accounts) >= MAX_ACCOUNTS:
            break
        key = (entry.handle.lower(), entry.platform.name)
        if key not in live:
            live.add(key)
            accounts.append(_account(entry, "retired"))
    return Verification(query=query, accounts=accounts)
