"""API tokens for the district's other systems, and the webhook outbox (issue 16).

A token's key is shown once, when it is created, and only its SHA-256 hash is stored: the key is
256 random bits, so a plain strong hash is enough (no salt or slow hash needed) and lookups stay
one indexed query. Webhook secrets must be read back to sign deliveries, so they are encrypted at
rest like the registry's credentials (registry.fields.EncryptedTextField).
"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.fields import EncryptedTextField

from .scopes import WEBHOOK_EVENT_CHOICES, Scope

KEY_PREFIX = "ap1311_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A key for one service (the web team's site, the SIEM...), with scopes, units and an expiry."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. “District website”."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_hint = models.CharField(
        _("key hint"),
        max_length=20,
        editable=False,
        help_text=_("The key's first characters, to recognise it; never the key."),
    )
    scopes = models.JSONField(_("scopes"), default=list, help_text=_("What the token may read (api.scopes.Scope)."))
    units = models.ManyToManyField(
        to="accounts.OrgUnit",
        verbose_name=_("units"),
        blank=True,
        related_name="+",
        help_text=_("Only these schools or departments. Leave empty for the whole district."),
    )
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self):
        return f"{self.name} ({self.key_hint}…)"

    def has_scope(self, *scopes: str) -> bool:
        return any(s in (self.scopes or []) for s in scopes)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def scope_labels(self) -> str:
        return ", ".join(s for s in self.scopes if s in Scope.values)


class WebhookEndpoint(models.Model):
    """Where the portal posts events, e.g. the communications office's Teams channel."""

    class BodyFormat(models.TextChoices):
        JSON = "json", _("JSON event (for programs)")
        CHAT = "chat", _('Chat message (Teams / Slack incoming webhook: {"text": ...})')

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"), max_length=500, help_text=_("http(s) only; private addresses are refused in production.")
    )
    events = models.JSONField(
        _("events"), default=list, help_text=_("Event names, e.g. inquiry.created (api.scopes.WEBHOOK_EVENTS).")
    )
    units = models.ManyToManyField(
        to="accounts.OrgUnit",
        verbose_name=_("units"),
        blank=True,
        related_name="+",
        help_text=_("Only events of these units; empty: every unit."),
    )
    body_format = models.CharField(_("body format"), max_length=10, choices=BodyFormat.choices, default=BodyFormat.JSON)
    secret = EncryptedTextField(
        _("secret"), help_text=_("Signs every delivery (HMAC-SHA256); shown once, encrypted at rest.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook endpoint")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, written in the transaction of the audit event."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Gave up")

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.PROTECT, related_name="deliveries"
    )
    audit_event = models.ForeignKey(
        "audit.AuditEvent", verbose_name=_("audit event"), on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("event"), max_length=60, choices=WEBHOOK_EVENT_CHOICES)
    payload = models.JSONField(_("payload"), help_text=_("The body sent (never a secret)."))
    idempotency_key = models.UUIDField(_("idempotency key"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "audit_event"], name="webhook_delivery_once_per_event"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} → {self.endpoint} ({self.get_status_display()})"
