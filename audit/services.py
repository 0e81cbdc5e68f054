from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .middleware import current_source_ip
from .models import AuditEvent


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    org_unit=None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the service's transaction so both commit or neither.

    `details` is a small JSON object for context (comments, reasons, changed field names):
    never put a secret in it.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        org_unit=org_unit,
        source_ip=current_source_ip(),
        details=details or {},
    )
