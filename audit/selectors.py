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
    # The unit ids as a list (a few per approver): the planner then walks the (org_unit, created_at)
    # index of each unit, newest first, instead of the whole trail filtered by a subquery.
    return qs.filter(org_unit_id__in=list(units_approved_by(user).values_list("pk", flat=True)))
