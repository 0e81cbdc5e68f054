from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation

from core.http import safe_csv_cell

from .middleware import current_source_ip
from .models import AuditEvent
from .signals import event_recorded


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
    # The trail names its objects in one language, the district's, whoever acted (issue 17).
    with translation.override(settings.LANGUAGE_CODE):
        target_repr = str(target)[:255] if target is not None else ""
    event = AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=target_repr,
        org_unit=org_unit,
        source_ip=current_source_ip(),
        details=details or {},
    )
    event_recorded.send(sender=AuditEvent, event=event)
    return event


def export_events_csv(*, actor, events, writer, filters: dict[str, Any]) -> int:
    """Write the given events as CSV rows to `writer` (a csv.writer) and audit the export itself.
    Returns the row count."""
    writer.writerow(["time", "actor", "action", "object", "unit", "source_ip", "details"])
    count = 0
    for event in events.iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(event.created_at).isoformat(timespec="seconds"),
                safe_csv_cell(event.actor.email if event.actor else "system"),
                safe_csv_cell(event.action),
                safe_csv_cell(event.target_repr),
                safe_csv_cell(event.org_unit.name if event.org_unit else ""),
                event.source_ip or "",
                safe_csv_cell(event.details),
            ]
        )
        count += 1
    record_event(actor=actor, action="audit.exported", details={"rows": count, "filters": filters})
    return count
