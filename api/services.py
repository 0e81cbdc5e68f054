"""Every change the API app makes: tokens, webhook endpoints, and the webhook outbox.

Token and endpoint services follow the portal's shape: keyword-only, atomic, lock, guard,
permission check (district admins only), change, one audit event; never a key or a secret in the
audit trail or a log. Deliveries are outbox rows written in the transaction of the audit event that
raises them (`create_deliveries`, called by api.receivers); a worker sends them after commit
(`deliver_webhook`), so a slow or dead receiver never delays or fails anyone's action.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import uuid
from collections.abc import Iterable

import requests
from django.db import transaction
from django.db.models import F, Q
from django.template import engines
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, User
from audit.models import AuditEvent
from audit.services import record_event
from core.errors import DomainError, NotPermitted
from registry.fields import CredentialKeyError

from .models import KEY_PREFIX, ApiToken, WebhookDelivery, WebhookEndpoint, hash_key
from .scopes import WEBHOOK_EVENTS, Scope
from .serializers import AuditEventSerializer
from .webhooks import UnsafeWebhookURL, api_setting, check_url, post

logger = logging.getLogger(__name__)

Delivery = WebhookDelivery.Status
# last_used_at is written at most this often per token (one UPDATE, not one per request).
LAST_USED_RESOLUTION = datetime.timedelta(seconds=60)


class ApiError(DomainError):
    """A refused token or webhook change; the message is for the district admin who tried it."""


def _require_district_admin(actor: User) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and actor.is_district_admin):
        raise NotPermitted(_("Only district admins manage API tokens and webhooks."))


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    scopes = sorted(set(scopes or []))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ApiError(
            _("Unknown scope(s): %(names)s.") % {"names": ", ".join(unknown)},
            problems={"scopes": _("Choose known scopes.")},
        )
    if not scopes:
        raise ApiError(_("Give the token at least one scope."), problems={"scopes": _("Choose at least one scope.")})
    return scopes


def _clean_events(events: Iterable[str]) -> list[str]:
    events = sorted(set(events or []))
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise ApiError(
            _("Unknown event(s): %(names)s.") % {"names": ", ".join(unknown)},
            problems={"events": _("Choose known events.")},
        )
    if not events:
        raise ApiError(_("Subscribe to at least one event."), problems={"events": _("Choose at least one event.")})
    return events


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        check_url(url)
    except UnsafeWebhookURL as error:
        raise ApiError(str(error), problems={"url": str(error)}) from error
    return url


# --- tokens ---------------------------------------------------------------------------------------


@transaction.atomic
def create_token(
    *, actor: User, name: str, scopes: Iterable[str], units: Iterable[OrgUnit] = (), expires_at: datetime.datetime
) -> tuple[ApiToken, str]:
    """A new token for a service. Returns the token and its key, which exists only in this return
    value: show it once, never store or log it. Who: district admins. Audited (api.token_created)."""
    _require_district_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ApiError(_("Name the system that will use the token."), problems={"name": _("Give a name.")})
    scopes = _clean_scopes(scopes)
    if expires_at <= timezone.now():
        raise ApiError(_("The expiry must be in the future."), problems={"expires_at": _("Choose a future date.")})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name[:100],
        key_hash=hash_key(key),
        key_hint=key[: len(KEY_PREFIX) + 4],
        scopes=scopes,
        expires_at=expires_at,
        created_by=actor,
    )
    units = list(units)
    token.units.set(units)
    record_event(
        actor=actor,
        action="api.token_created",
        target=token,
        details={
            "name": token.name,
            "scopes": scopes,
            "units": sorted(u.code for u in units) or "district-wide",
            "expires_at": expires_at.isoformat(),
        },
    )
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The token a presented key belongs to (usable or not), or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    return ApiToken.objects.filter(key_hash=hash_key(key)).first()


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once: its next request is refused. Who: district admins. Audited."""
    _require_district_admin(actor)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ApiError(_("%(token)s was already revoked.") % {"token": token})
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    record_event(actor=actor, action="api.token_revoked", target=token, details={"name": token.name})
    return token


def note_token_used(*, token: ApiToken) -> None:
    """Record that the token was used now. The first use is audited (api.token_first_used) exactly once,
    even when two requests arrive together (a conditional UPDATE decides who was first); later uses
    move last_used_at at most once a minute."""
    now = timezone.now()
    with transaction.atomic():
        first = ApiToken.objects.filter(pk=token.pk, last_used_at__isnull=True).update(last_used_at=now)
        if first:
            record_event(actor=None, action="api.token_first_used", target=token, details={"name": token.name})
            token.last_used_at = now
            return
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk, last_used_at__lt=now - LAST_USED_RESOLUTION).update(last_used_at=now)
        token.last_used_at = now


# --- webhook endpoints ---------------------------------------------------------------------------------


@transaction.atomic
def register_webhook(
    *,
    actor: User,
    name: str,
    url: str,
    events: Iterable[str],
    units: Iterable[OrgUnit] = (),
    body_format: str = WebhookEndpoint.BodyFormat.JSON,
    secret: str = "",
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint. Returns it and its signing secret (generated unless given): show the secret once.
    Who: district admins. The URL must be http(s) and public (see webhooks.check_url). Audited."""
    _require_district_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ApiError(_("Name the endpoint."), problems={"name": _("Give a name.")})
    events = _clean_events(events)
    url = _clean_url(url)
    if body_format not in WebhookEndpoint.BodyFormat.values:
        raise ApiError(_("Choose a body format."), problems={"body_format": _("Choose a body format.")})
    secret = (secret or "").strip() or secrets.token_urlsafe(32)
    if len(secret) < 16:
        raise ApiError(
            _("A signing secret needs at least 16 characters."), problems={"secret": _("At least 16 characters.")}
        )
    endpoint = WebhookEndpoint.objects.create(
        name=name[:100], url=url, events=events, body_format=body_format, secret=secret, created_by=actor
    )
    units = list(units)
    endpoint.units.set(units)
    record_event(
        actor=actor,
        action="api.webhook_registered",
        target=endpoint,
        details={"url": url, "events": events, "units": sorted(u.code for u in units) or "district-wide"},
    )
    return endpoint, secret


@transaction.atomic
def update_webhook(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    name: str,
    url: str,
    events: Iterable[str],
    units: Iterable[OrgUnit],
    body_format: str,
    is_active: bool,
) -> WebhookEndpoint:
    """Change an endpoint's name, URL, events, units, format or active flag (the secret stays).
    Who: district admins. Audited with the names of the changed fields."""
    _require_district_admin(actor)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    new = {
        "name": (name or "").strip()[:100] or locked.name,
        "url": _clean_url(url) if url != locked.url else locked.url,
        "events": _clean_events(events),
        "body_format": body_format if body_format in WebhookEndpoint.BodyFormat.values else locked.body_format,
        "is_active": bool(is_active),
    }
    changed = [field for field, value in new.items() if getattr(locked, field) != value]
    for field, value in new.items():
        setattr(locked, field, value)
    units = list(units)
    if {u.pk for u in units} != set(locked.units.values_list("pk", flat=True)):
        changed.append("units")
    if not changed:
        raise ApiError(_("Nothing changed."))
    locked.save()
    locked.units.set(units)
    record_event(actor=actor, action="api.webhook_updated", target=locked, details={"fields": changed})
    return locked


@transaction.atomic
def rotate_webhook_secret(*, actor: User, endpoint: WebhookEndpoint) -> str:
    """A new signing secret for the endpoint, returned once (deliveries from now on use it). Audited."""
    _require_district_admin(actor)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = secrets.token_urlsafe(32)
    locked.secret = secret
    locked.save(update_fields=["secret", "updated_at"])
    record_event(actor=actor, action="api.webhook_secret_rotated", target=locked, details={"name": locked.name})
    return secret


# --- the outbox ------------------------------------------------------------------------------------------


def _chat_text(event_name: str, data: dict) -> str:
    """The one-line message of the chat body format (text lives in a template, not here)."""
    template = engines["text"].get_template("api/webhooks/chat.txt")
    return " ".join(template.render({"event": event_name, "e": data}).split())


def build_payload(*, event_name: str, audit_event: AuditEvent, idempotency_key: str, body_format: str) -> dict:
    data = AuditEventSerializer(audit_event).data
    if body_format == WebhookEndpoint.BodyFormat.CHAT:
        return {"text": _chat_text(event_name, data)}
    return {"id": idempotency_key, "event": event_name, "occurred_at": data["created_at"], "data": dict(data)}


def create_deliveries(*, audit_event: AuditEvent, event_name: str) -> list[int]:
    """Outbox rows for every active endpoint subscribed to `event_name` (and to the event's unit),
    in the caller's transaction; each is queued for sending once that transaction commits."""
    ids = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).prefetch_related("units"):
        if event_name not in (endpoint.events or []):
            continue
        unit_ids = {u.pk for u in endpoint.units.all()}
        if unit_ids and audit_event.org_unit_id not in unit_ids:
            continue
        key = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            audit_event=audit_event,
            event=event_name,
            idempotency_key=key,
            payload=build_payload(
                event_name=event_name,
                audit_event=audit_event,
                idempotency_key=str(key),
                body_format=endpoint.body_format,
            ),
        )
        ids.append(delivery.pk)
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return ids


def enqueue_deliveries(delivery_ids: Iterable[int]) -> None:
    from .tasks import send_webhook

    for delivery_id in delivery_ids:
        try:
            send_webhook.delay(delivery_id)
        except Exception:  # broker down: the row stays pending and flush_webhooks sends it later
            logger.warning("Broker unavailable; webhook delivery %s stays in the outbox", delivery_id)


def _stale_claim_cutoff() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=api_setting("WEBHOOK_STALE_CLAIM_SECONDS"))


def _due() -> Q:
    return Q(status=Delivery.PENDING, next_attempt_at__lte=timezone.now()) | Q(
        status=Delivery.SENDING, claimed_at__lt=_stale_claim_cutoff()
    )


def claim_delivery(delivery_id: int) -> bool:
    """Atomically move a due delivery to 'sending' (one conditional UPDATE). True if this worker owns it."""
    return bool(
        WebhookDelivery.objects.filter(_due(), pk=delivery_id).update(
            status=Delivery.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def backoff(attempts: int) -> datetime.timedelta:
    """Wait before attempt `attempts + 1`: doubling from WEBHOOK_RETRY_BASE_SECONDS, capped."""
    seconds = api_setting("WEBHOOK_RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, api_setting("WEBHOOK_RETRY_MAX_SECONDS")))


def _failed_attempt(delivery: WebhookDelivery, *, error: str, status_code: int | None = None) -> None:
    final = delivery.attempts >= api_setting("WEBHOOK_MAX_ATTEMPTS")
    WebhookDelivery.objects.filter(pk=delivery.pk, status=Delivery.SENDING).update(
        status=Delivery.FAILED if final else Delivery.PENDING,
        next_attempt_at=timezone.now() + backoff(delivery.attempts),
        last_error=error[:500],
        last_status_code=status_code,
    )
    logger.warning("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error[:200])


def deliver_webhook(delivery_id: int) -> bool:
    """Send one due delivery (run by a worker, never in a web request). Returns True when delivered.

    1. Claim it with a conditional UPDATE (pending and due, or abandoned by a dead worker); else stop.
    2. Refuse an inactive endpoint or a URL that is no longer safe (checked again: DNS changes).
    3. POST the stored payload, signed now, with short timeouts.
    4. 2xx: delivered, never sent again. Otherwise pending again after a doubling back-off, or
       failed (gave up) after WEBHOOK_MAX_ATTEMPTS attempts, visible in the admin.
    """
    if not claim_delivery(delivery_id):
        return False
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.FAILED, last_error="The endpoint was deactivated."
        )
        return False
    try:
        check_url(endpoint.url)
        response = post(
            url=endpoint.url,
            secret=endpoint.secret.reveal(),
            payload=delivery.payload,
            event=delivery.event,
            idempotency_key=str(delivery.idempotency_key),
        )
    except (UnsafeWebhookURL, CredentialKeyError) as error:
        _failed_attempt(delivery, error=str(error))
        return False
    except requests.RequestException as error:
        _failed_attempt(delivery, error=f"{type(error).__name__}: unreachable or too slow")
        return False
    if 200 <= response.status_code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk, status=Delivery.SENDING).update(
            status=Delivery.DELIVERED,
            delivered_at=timezone.now(),
            last_status_code=response.status_code,
            last_error="",
        )
        return True
    _failed_attempt(delivery, error=f"HTTP {response.status_code}", status_code=response.status_code)
    return False


def due_delivery_ids(limit: int = 500) -> list[int]:
    return list(WebhookDelivery.objects.filter(_due()).order_by("id").values_list("id", flat=True)[:limit])


def retry_deliveries(delivery_ids: Iterable[int]) -> int:
    """Put given deliveries that gave up (or wait) back in the outbox, due now (district admin action)."""
    return (
        WebhookDelivery.objects.filter(pk__in=list(delivery_ids))
        .filter(status__in=[Delivery.FAILED, Delivery.PENDING])
        .update(status=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None)
    )
