"""Consent bits for templates: an answer as a badge, and the home page's "check before you post" panel."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from consent import rules, selectors
from consent.models import Consent

register = template.Library()


@register.simple_tag
def consent_badge(student, use: str):
    """Yes, or why not (refused / form not returned): only an explicit yes counts (§1.3.6)."""
    state = student.state(use)
    if state == Consent.CONSENTED:
        return format_html(
            '<span class="badge text-bg-success"><i class="bi bi-check2" aria-hidden="true"></i> {}</span>',
            gettext("Yes"),
        )
    reason = gettext("refused") if state == Consent.REFUSED else gettext("form not returned")
    return format_html(
        '<span class="badge text-bg-danger"><i class="bi bi-x-lg" aria-hidden="true"></i> {}</span> '
        '<span class="small text-body-secondary">{}</span>',
        gettext("No"),
        reason,
    )


@register.inclusion_tag("consent/includes/home_panel.html", takes_context=True)
def consent_home_panel(context):
    """For staff of a school with a roster this school year: pick a class, see who may not be posted."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"panels": []}
    year = rules.current_school_year()
    rosters = selectors.rosters_visible_to(user).filter(school_year=year).prefetch_related("classes")
    panels = [(r, sorted(r.classes.all(), key=lambda c: c.name.lower())) for r in rosters]
    return {"panels": panels, "year": year, "year_label": rules.school_year_label(year)}
