"""Who may read which audit events: approvers their units' events, district admins every event."""

from django.db.models import QuerySet

from accounts.selectors import is_approver, units_approved_by

from .models import AuditEvent


def can_view_audit(user) -> bool:
    return is_approver(user)


def events_visible_to(user) -> QuerySet[AuditEvent]:
    if not user.is_authenticated:
        return AuditEvent.objects.none()
    qs = AuditEvent.objects.select_related("actor", "org_unit", "target_type")
    if user.is_district_admin:
        return qs
    return qs.filter(org_unit__in=units_approved_by(user))
