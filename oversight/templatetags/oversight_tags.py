"""Approver home panels: missed moderation check-ins this week and recent activity in my units."""

from datetime import timedelta

from django import template
from django.db.models import Count
from django.utils import timezone

from accounts.selectors import units_approved_by
from audit.selectors import events_visible_to
from moderation.models import MissedCheckIn
from registry.models import RegistryEntry

register = template.Library()


@register.inclusion_tag("oversight/_approver_panels.html", takes_context=True)
def approver_panels(context):
    user = context["request"].user
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    missed = MissedCheckIn.objects.filter(period_start__gte=monday - timedelta(days=1))
    if not user.is_district_admin:  # district admins keep every unit: no unit filter to join
        missed = missed.filter(entry__org_unit__in=units_approved_by(user))
    # Count per account first (the period index alone), then read the ten accounts named.
    top = list(missed.values("entry_id").annotate(n=Count("pk")).order_by("-n", "entry_id")[:10])
    names = {}
    if top:
        names = {
            row["id"]: row
            for row in RegistryEntry.objects.filter(pk__in=[t["entry_id"] for t in top]).values(
                "id", "handle", "name", "platform__name", "owner__email"
            )
        }
    missed = [
        {**{f"entry__{k}": v for k, v in names[t["entry_id"]].items() if k != "id"}, **t}
        for t in top
        if t["entry_id"] in names
    ]
    recent = events_visible_to(user)[:8]
    return {"missed": missed, "recent": list(recent)}
