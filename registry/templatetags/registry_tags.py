"""Registry bits for templates: status badges and the home page's account blocks."""

from django import template
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import selectors, two_factor
from registry.models import EnforcementAction, RegistryEntry

register = template.Library()

_BADGES = {
    RegistryEntry.Status.ACTIVE: "text-bg-success",
    RegistryEntry.Status.PENDING: "text-bg-info",
    RegistryEntry.Status.DISABLED: "text-bg-warning",
    RegistryEntry.Status.REMOVED: "text-bg-secondary",
}


@register.simple_tag
def entry_status(entry: RegistryEntry):
    return format_html(
        '<span class="badge {}">{}</span>', _BADGES.get(entry.status, "text-bg-light"), entry.get_status_display()
    )


_EVENT_LABELS = {
    "registry.registered": gettext_lazy("Registered"),
    "registry.imported": gettext_lazy("Imported from an earlier list"),
    "registry.credentials_updated": gettext_lazy("Login details changed"),
    "registry.credentials_revealed": gettext_lazy("Login details viewed"),
    "registry.disabled": gettext_lazy("Disabled"),
    "registry.removed": gettext_lazy("Removed"),
    "registry.feedback": gettext_lazy("Feedback left"),
    "registry.reactivated": gettext_lazy("Reactivated"),
    "registry.ownership_transferred": gettext_lazy("Ownership transferred"),
    "registry.co_admin_added": gettext_lazy("Co-administrator added"),
    "registry.co_admin_removed": gettext_lazy("Co-administrator removed"),
    "registry.flagged_departed_user": gettext_lazy("Flagged: someone with access left"),
    "registry.access_withdrawn": gettext_lazy(
        "Access withdrawn: someone left the unit, lost a role or was deactivated"
    ),
    "registry.import_confirmed": gettext_lazy("Import confirmed by a second approver"),
    "registry.import_refused": gettext_lazy("Import refused by a second approver"),
    "registry.review_confirmed": gettext_lazy("Site review: still in use and current"),
    "registry.decommission_requested": gettext_lazy("Site review: decommission requested"),
}


@register.filter
def event_label(action: str) -> str:
    return _EVENT_LABELS.get(action, action)


@register.simple_tag
def review_badge(entry: RegistryEntry, today=None):
    """The next review date, marked overdue or due soon (§1.2.1.3)."""
    if entry.status != RegistryEntry.Status.ACTIVE:
        return ""
    today = today or timezone.localdate()
    due = entry.next_review_due
    text = date_format(due, "DATE_FORMAT")
    if due < today:
        return format_html(
            '<span class="badge text-bg-danger">{}</span> <span class="small">{}</span>', _("Review overdue"), text
        )
    if (due - today).days <= 14:
        return format_html(
            '<span class="badge text-bg-info">{}</span> <span class="small">{}</span>', _("Review due soon"), text
        )
    return format_html('<span class="small">{}</span>', text)


@register.inclusion_tag("registry/includes/home_accounts.html", takes_context=True)
def my_registry_accounts(context):
    """The signed-in user's accounts and what they need (home page, "My accounts")."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"entries": [], "to_register": []}
    today = timezone.localdate()
    entries = list(
        selectors.entries_of(user)
        .exclude(status=RegistryEntry.Status.REMOVED)
        .defer("password")
        .prefetch_related(Prefetch("enforcement_actions", EnforcementAction.objects.select_related("actor")))
        .order_by("next_review_due")[:20]
    )
    rows = []
    for entry in entries:
        due = []
        if entry.is_review_overdue(today):
            due.append(_("Review overdue: confirm it is current or ask to decommission"))
        if entry.needs_password_rotation and entry.status == RegistryEntry.Status.ACTIVE:
            due.append(_("Record a new password"))
        if entry.needs_new_owner:
            due.append(_("Waiting for a new owner"))
        latest = next(iter(entry.enforcement_actions.all()), None)
        recent = latest if latest and (timezone.now() - latest.created_at).days <= 30 else None
        rows.append({"entry": entry, "due": due, "latest_action": recent, "is_owner": entry.owner_id == user.pk})
    return {
        "rows": rows,
        "to_register": list(selectors.requests_to_register(user)[:10]),
        "today": today,
        "user": user,
    }


@register.inclusion_tag("registry/includes/approver_stats.html", takes_context=True)
def registry_approver_stats(context):
    """Stat cards for approvers' home: what in their units' registry needs them."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"stats": None}
    return {"stats": selectors.approver_stats(user)}


@register.simple_tag(takes_context=True)
def two_factor_return(context):
    """{"url", "label"} of the account a two-factor set-up started from (the recovery codes page links back)."""
    request = context.get("request")
    return two_factor.return_link(request) if request is not None else None
