"""Approver home panels: missed moderation check-ins this week and recent activity in my units."""

from datetime import timedelta

from django import template
from django.db.models import Count
from django.utils import timezone

from accounts.selectors import units_approved_by
from audit.selectors import events_visible_to
from moderation.models import MissedCheckIn

register = template.Library()


@register.inclusion_tag("oversight/_approver_panels.html", takes_context=True)
def approver_panels(context):
    user = context["request"].user
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    missed = MissedCheckIn.objects.filter(period_start__gte=monday - timedelta(days=1))
    if not user.is_district_admin:  # district admins keep every unit: no unit filter to join
        missed = missed.filter(entry__org_unit__in=units_approved_by(user))
    missed = (
        missed.values("entry_id", "entry__handle", "entry__name", "entry__platform__name", "entry__owner__email")
        .annotate(n=Count("pk"))
        .order_by("-n")[:10]
    )
    recent = events_visible_to(user)[:8]
    return {"missed": list(missed), "recent": list(recent)}
