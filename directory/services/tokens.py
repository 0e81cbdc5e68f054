"""A directory connection's bearer tokens: issued and revoked by district admins in the admin.

A token is 32 random bytes (url-safe text). Only its SHA-256 hash is stored; the plaintext is returned
once, to the admin who issued it, and never stored, logged or audited. SHA-256 without a salt is
enough here: the token is random and long, so there is nothing to guess or precompute.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record_event
from core.errors import NotPermitted

from ..models import ConnectionToken, DirectoryConnection
from ._common import DirectoryError

TOKEN_PREFIX = "scim_"
LAST_USED_RESOLUTION_SECONDS = 300


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_district_admin):
        raise NotPermitted(_("Only district admins manage directory connections."))


@transaction.atomic
def issue_token(*, actor: User, connection: DirectoryConnection) -> tuple[ConnectionToken, str]:
    """A new bearer token for `connection`. Returns the row and the plaintext, which the caller shows
    once and forgets. District admins only. One event: `directory.token_issued` (prefix only)."""
    _require_admin(actor)
    connection = DirectoryConnection.objects.select_for_update().get(pk=connection.pk)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ConnectionToken.objects.create(
        connection=connection,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(plaintext),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="directory.token_issued",
        target=connection,
        details={"connection": connection.name, "token": f"{token.prefix}…", "token_id": token.pk},
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, actor: User, token: ConnectionToken) -> ConnectionToken:
    """Refuse this token from now on. District admins only; a revoked token stays revoked. One event:
    `directory.token_revoked`."""
    _require_admin(actor)
    token = ConnectionToken.objects.select_for_update().select_related("connection").get(pk=token.pk)
    if token.revoked_at is not None:
        raise DirectoryError(_("Token %(prefix)s… was already revoked.") % {"prefix": token.prefix})
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_event(
        actor=actor,
        action="directory.token_revoked",
        target=token.connection,
        details={"connection": token.connection.name, "token": f"{token.prefix}…", "token_id": token.pk},
    )
    return token


def authenticate(plaintext: str) -> DirectoryConnection | None:
    """The active connection whose unrevoked token this is, or None. Notes when the token was last used
    (at most every few minutes, so a sync's thousand requests do not write a thousand times)."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = (
        ConnectionToken.objects.select_related("connection")
        .filter(token_hash=hash_token(plaintext), revoked_at__isnull=True, connection__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        ConnectionToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.connection
