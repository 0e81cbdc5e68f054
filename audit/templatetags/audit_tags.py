"""`{% load audit_tags %}`: the audit trail in words (audit.humanize) for lists, home panels and histories."""

from django import template

from audit.humanize import action_label, humanize

register = template.Library()


@register.filter
def humanized(event):
    """`{% with h=event|humanized %}{{ h.sentence }} … {% for d in h.details %}…{% endwith %}`"""
    return humanize(event)


@register.filter
def audit_label(action: str) -> str:
    """ "Request approved" for `request.approved`."""
    return action_label(action)


@register.inclusion_tag("audit/_details.html")
def audit_details(human, compact=False):
    """The short list of what an event changed or recorded."""
    return {"details": human.details, "compact": compact}
