"""What a token may read, and which portal events a webhook may subscribe to.

A token's scopes choose the endpoints; its units (none = the whole district) narrow every list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    REGISTRY_READ = "registry:read", _("registry:read: every registry entry of its units (§1.4.5)")
    REGISTRY_PUBLIC = "registry:public", _("registry:public: active public-network accounts only (web sites)")
    REQUESTS_READ = "requests:read", _("requests:read: account requests and their status history (§1.4.6)")
    AUDIT_READ = "audit:read", _("audit:read: the audit trail as a stream (security tools)")


REGISTRY_SCOPES = (Scope.REGISTRY_READ, Scope.REGISTRY_PUBLIC)

# Public webhook event name → the audit action that raises it. Audit actions are the portal's
# internal vocabulary; subscribers get stable names that say what happened in their words.
WEBHOOK_EVENTS: dict[str, str] = {
    "request.submitted": "request.submitted",
    "request.approved": "request.approved",
    "request.rejected": "request.rejected",
    "request.changes_requested": "request.changes_requested",
    "request.withdrawn": "request.withdrawn",
    "inquiry.created": "inquiry.logged",
    "inquiry.closed": "inquiry.closed",
    "account.registered": "registry.registered",
    "account.disabled": "registry.disabled",
    "account.removed": "registry.removed",
    "account.reactivated": "registry.reactivated",
}
EVENT_FOR_ACTION: dict[str, str] = {action: event for event, action in WEBHOOK_EVENTS.items()}
WEBHOOK_EVENT_CHOICES = [(name, name) for name in WEBHOOK_EVENTS]
