"""What a token sees: the apps' own `*_visible_to` selectors, asked on the token's behalf.

A token is not a person, so it is given a *principal*: an in-memory `User` that is never saved and
whose id (-1) matches no row, so "own" rows (own requests, owned accounts) are always empty. With
`registry:read`, `requests:read` or `audit:read` the principal reads like a district admin; with
`registry:public` only, like the communications manager (active public-network accounts, §1.5.1).
The apps' selectors then apply their own rules, unchanged; this module adds only the token's own
limit, its units (none: the whole district). No visibility rule is written twice.
"""

from django.db.models import QuerySet

from accounts.models import OrgUnit, User
from approvals.models import AccountRequest
from approvals.selectors import requests_visible_to
from audit.models import AuditEvent
from audit.selectors import events_visible_to
from catalogue.models import Platform
from registry.models import RegistryEntry
from registry.selectors import entries_visible_to

from .models import ApiToken
from .scopes import Scope

NO_SUCH_USER_ID = -1


def _refuse_to_save(*args, **kwargs):
    raise TypeError("A token's principal is not a person and is never saved.")


def principal_for(token: ApiToken, *, district_reader: bool) -> User:
    """The stand-in the apps' selectors accept for this token (see the module docstring)."""
    principal = User(
        id=NO_SUCH_USER_ID,
        email="",
        is_active=token.is_usable,
        is_district_admin=district_reader,
        is_communications_manager=not district_reader,
    )
    principal.save = _refuse_to_save
    principal.delete = _refuse_to_save
    return principal


def inert_principal() -> User:
    """request.user of a token request: active nowhere, so any selector asked with it returns nothing.
    Endpoints ask this module with the token itself (request.auth)."""
    principal = User(id=NO_SUCH_USER_ID, email="", is_active=False)
    principal.save = _refuse_to_save
    principal.delete = _refuse_to_save
    return principal


def token_unit_ids(token: ApiToken) -> list[int]:
    """The token's units (cached on the token for the request); empty means the whole district."""
    if not hasattr(token, "_unit_ids"):
        token._unit_ids = list(token.units.values_list("pk", flat=True))
    return token._unit_ids


def _within_units(token: ApiToken, qs: QuerySet, field: str = "org_unit") -> QuerySet:
    unit_ids = token_unit_ids(token)
    return qs.filter(**{f"{field}__in": unit_ids}) if unit_ids else qs


def units_visible_to_token(token: ApiToken) -> QuerySet[OrgUnit]:
    return _within_units(token, OrgUnit.objects.filter(is_active=True), field="pk")


def platforms_visible_to_token(token: ApiToken) -> QuerySet[Platform]:
    """The district's approved platforms (§1.4.7): the same catalogue for every token."""
    return Platform.objects.approved()


def entries_visible_to_token(token: ApiToken) -> QuerySet[RegistryEntry]:
    if token.has_scope(Scope.REGISTRY_READ):
        qs = entries_visible_to(principal_for(token, district_reader=True))
    elif token.has_scope(Scope.REGISTRY_PUBLIC):
        qs = entries_visible_to(principal_for(token, district_reader=False))
    else:
        return RegistryEntry.objects.none()
    return _within_units(token, qs)


def requests_visible_to_token(token: ApiToken) -> QuerySet[AccountRequest]:
    if not token.has_scope(Scope.REQUESTS_READ):
        return AccountRequest.objects.none()
    return _within_units(token, requests_visible_to(principal_for(token, district_reader=True)))


def events_visible_to_token(token: ApiToken) -> QuerySet[AuditEvent]:
    """Audit events: a unit-scoped token sees its units' events (district-wide ones, without a unit,
    only with a district-wide token), like an approver of those units."""
    if not token.has_scope(Scope.AUDIT_READ):
        return AuditEvent.objects.none()
    return _within_units(token, events_visible_to(principal_for(token, district_reader=True)))
