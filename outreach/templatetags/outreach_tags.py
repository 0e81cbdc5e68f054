"""Outreach bits for templates: status badges and the home page's "what outreach needs from you today"."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from outreach import rules, selectors
from outreach.models import MediaInquiry

register = template.Library()

_BADGES = {
    MediaInquiry.Status.NEW: "text-bg-warning",
    MediaInquiry.Status.ACKNOWLEDGED: "text-bg-info",
    MediaInquiry.Status.RESPONDED: "text-bg-primary",
    MediaInquiry.Status.CLOSED: "text-bg-secondary",
}


@register.simple_tag
def inquiry_status(inquiry: MediaInquiry):
    return format_html(
        '<span class="badge {}">{}</span>', _BADGES.get(inquiry.status, "text-bg-light"), inquiry.get_status_display()
    )


@register.filter
def overdue_at(inquiry: MediaInquiry, now) -> bool:
    return inquiry.is_overdue(now)


@register.inclusion_tag("outreach/includes/today.html", takes_context=True)
def outreach_today(context):
    """What outreach needs from the signed-in user today; empty (and rendered as nothing) when nothing does."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"has_items": False}
    now = timezone.now()
    year = rules.current_school_year()
    waiting = selectors.inquiries_waiting_for(user)
    waiting_count = waiting.count()
    overdue_count = waiting.filter(deadline__lt=now).count() if waiting_count else 0
    attestation_due = selectors.attestation_due(user, year)
    events = selectors.events_to_confirm(user, now)
    return {
        "has_items": bool(attestation_due or events or waiting_count),
        "attestation_due": attestation_due,
        "year_label": rules.school_year_label(year),
        "events_to_confirm": events,
        "inquiries_waiting": waiting_count,
        "inquiries_overdue": overdue_count,
    }
