"""The audit trail for people: a label and a sentence per action, details as a short list.

The trail stores machine codes (`request.approved`, `{"comment": ...}`); the CSV export keeps them.
Pages show what this module makes of them: "Priya Principal approved *Room 12 class page*", with
"Comment: Looks good" underneath. Every action the code records has its wording here
(audit/tests/test_humanize.py scans the services for `action="..."` and fails on a missing one).

Apps above the audit layer know values the trail cannot (the acknowledgement statements' wording):
they lend their labels at start-up with `register_value_labels` (see approvals/apps.py), so this
module never imports them.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Wording:
    label: str
    # Placeholders: {actor}, {target}, {unit} and any detail key (e.g. {outlet}); all are escaped.
    sentence: str


ACTIONS: dict[str, Wording] = {
    # Policy versions: the statements requesters acknowledge (§1.2.3)
    "policy.drafted": Wording("Statement wording drafted", "{actor} drafted a new wording of {target}"),
    "policy.published": Wording("Statement wording published", "{actor} published {target}"),
    "policy.retired": Wording("Statement retired", "{actor} retired {target}"),
    # The API (issue 16)
    "api.token_created": Wording("API token created", "{actor} created the API token {target}"),
    "api.token_first_used": Wording("API token first used", "The API token {target} was used for the first time"),
    "api.token_revoked": Wording("API token revoked", "{actor} revoked the API token {target}"),
    "api.webhook_registered": Wording("Webhook registered", "{actor} registered the webhook {target}"),
    "api.webhook_updated": Wording("Webhook changed", "{actor} changed the webhook {target}"),
    "api.webhook_secret_rotated": Wording(
        "Webhook secret renewed", "{actor} renewed the secret of the webhook {target}"
    ),
    # The student media consent roster (§1.3.6); students are named by record id only
    "consent.roster_imported": Wording("Consent roster imported", "{actor} imported the consent roster {target}"),
    "consent.student_added": Wording("Student added to a roster", "{actor} added a student to {unit}'s consent roster"),
    "consent.recorded": Wording("Consent recorded", "{actor} recorded consent answers for a student of {unit}"),
    "consent.student_removed": Wording(
        "Student removed from a roster", "{actor} removed a student from {unit}'s roster"
    ),
    "consent.looked_up": Wording("Consent checked", "{actor} checked who may appear in a post at {unit}"),
    "consent.roster_viewed": Wording("Consent roster opened", "{actor} opened the consent roster of {unit}"),
    "consent.exported": Wording("Consent roster exported", "{actor} exported the consent roster of {unit}"),
    "consent.purged": Wording("Consent rosters purged", "Past school years' consent rosters were deleted on schedule"),
    # Directory sync (SCIM) and bulk set-up
    "directory.token_issued": Wording(
        "Directory token issued", "{actor} issued a token for the directory connection {target}"
    ),
    "directory.token_revoked": Wording(
        "Directory token revoked", "{actor} revoked a token of the directory connection {target}"
    ),
    "directory.user_adopted": Wording("Person linked to the directory", "The directory took over {target}"),
    "directory.user_updated": Wording("Person updated by the directory", "The directory updated {target}"),
    "directory.user_reactivated": Wording("Person reactivated by the directory", "The directory reactivated {target}"),
    "directory.user_offboarded": Wording("Person deactivated", "{target} was deactivated (left the directory)"),
    "directory.user_removed": Wording("Person removed by the directory", "The directory removed {target}"),
    "directory.group_created": Wording("Directory group added", "The directory added the group {target}"),
    "directory.group_updated": Wording("Directory group changed", "The directory changed the group {target}"),
    "directory.group_deleted": Wording("Directory group removed", "The directory removed the group {target}"),
    "directory.mappings_applied": Wording("Group mapping applied", "{actor} applied the unit mapping of {target}"),
    "directory.import_applied": Wording("Staff list imported", "{actor} imported schools and staff from {target}"),
    # Access follows membership; imports that name the importer (§1.4.6)
    "registry.access_withdrawn": Wording(
        "Access withdrawn", "The portal withdrew access to {target} from someone who left"
    ),
    "offboarding.case_opened": Wording("Offboarding case opened", "The portal opened the offboarding case {target}"),
    "offboarding.case_extended": Wording(
        "Offboarding case extended", "New items were added to the offboarding case {target}"
    ),
    "offboarding.item_done": Wording(
        "Offboarding item done", "{actor} finished an item of the offboarding case {target}"
    ),
    "offboarding.review_started": Wording("Access review started", "{actor} started the access review {target}"),
    "offboarding.handover_review_started": Wording(
        "Handover review started", "The portal started the handover review {target} for a new approver"
    ),
    "offboarding.review_answered": Wording("Account confirmed in a review", "{actor} answered the review for {target}"),
    "offboarding.case_closed": Wording("Offboarding case closed", "The offboarding case {target} is done"),
    "registry.import_confirmed": Wording(
        "Imported account confirmed", "{actor} confirmed the imported account {target}"
    ),
    "registry.import_refused": Wording("Imported account refused", "{actor} refused the imported account {target}"),
    # The Django admin (every add, change and delete there: audit/admin_trail.py)
    "admin.added": Wording("Added in the admin", "{actor} added {target} in the district admin"),
    "admin.changed": Wording("Changed in the admin", "{actor} changed {target} in the district admin"),
    "admin.deleted": Wording("Deleted in the admin", "{actor} deleted {target} in the district admin"),
    # Account requests (§1.4.6, §1.2.3)
    "request.created": Wording("Request started", "{actor} started a request for {target}"),
    "request.updated": Wording("Request edited", "{actor} edited the request {target}"),
    "request.submitted": Wording("Request submitted", "{actor} submitted {target} for approval"),
    "request.approved": Wording("Request approved", "{actor} approved {target}"),
    "request.rejected": Wording("Request rejected", "{actor} rejected {target}"),
    "request.changes_requested": Wording("Changes asked for", "{actor} asked for changes to {target}"),
    "request.withdrawn": Wording("Request withdrawn", "{actor} withdrew {target}"),
    "request.reassigned": Wording(
        "Request reassigned", "{actor} handed {target} to a colleague: its requester left the unit"
    ),
    # The registry (§1.4.5, §1.4.2, §1.2.1.3)
    "registry.registered": Wording("Account registered", "{actor} registered {target}"),
    "registry.imported": Wording("Account imported", "{actor} imported {target} from an earlier list"),
    "registry.exported": Wording("Registry exported", "{actor} downloaded the registry as a spreadsheet"),
    "registry.credentials_updated": Wording("Login details changed", "{actor} recorded new login details for {target}"),
    "registry.credentials_revealed": Wording("Login details viewed", "{actor} viewed the login details of {target}"),
    "registry.disabled": Wording("Account disabled", "{actor} disabled {target}"),
    "registry.removed": Wording("Account removed", "{actor} removed {target} from the registry"),
    "registry.feedback": Wording("Feedback given", "{actor} gave feedback on {target}"),
    "registry.reactivated": Wording("Account reactivated", "{actor} reactivated {target}"),
    "registry.ownership_transferred": Wording("Owner changed", "{actor} handed {target} to a new owner"),
    "registry.co_admin_added": Wording(
        "Co-administrator added", "{actor} gave {user} administrative access to {target}"
    ),
    "registry.co_admin_expired": Wording(
        "Co-admin access ended", "The co-administrator's access to {target} ended on its date"
    ),
    "registry.co_admin_removed": Wording(
        "Co-administrator removed", "{actor} took administrative access to {target} away from {user}"
    ),
    "registry.flagged_departed_user": Wording(
        "Flagged: someone with access left", "{actor} flagged {target}: {user} left the district"
    ),
    "registry.review_confirmed": Wording("Site review done", "{actor} confirmed {target} is still in use and current"),
    "registry.decommission_requested": Wording("Decommission asked for", "{actor} asked to decommission {target}"),
    # Comment moderation (§1.4.3)
    "moderation.checked_in": Wording("Comments checked", "{actor} checked the comments on {target}"),
    # Outreach (§1.5.1, §3.1, §2)
    "inquiry.logged": Wording("Media inquiry referred", "{actor} referred a media inquiry from {outlet}"),
    "inquiry.acknowledged": Wording("Media inquiry acknowledged", "{actor} acknowledged the media inquiry {target}"),
    "inquiry.responded": Wording("Media inquiry answered", "{actor} answered the media inquiry {target}"),
    "inquiry.closed": Wording("Media inquiry closed", "{actor} closed the media inquiry {target}"),
    "event.scheduled": Wording("Event recorded", "{actor} recorded the event {target}"),
    "event.announcement_confirmed": Wording(
        "No-photo announcement read", "{actor} read the no-photo announcement to parents at {target}"
    ),
    "event.cancelled": Wording("Event cancelled", "{actor} cancelled {target}"),
    "attestation.confirmed": Wording(
        "Personal-use rules confirmed", "{actor} confirmed the personal social media rules for {school_year}"
    ),
    # Reports
    "audit.exported": Wording("Audit trail exported", "{actor} downloaded the audit trail as a spreadsheet"),
    "compliance.exported": Wording(
        "Compliance report exported", "{actor} downloaded the compliance report of {unit} as a spreadsheet"
    ),
}

# Details that the sentence already says, or that mean nothing to a reader.
_HIDDEN = {"resubmission", "request", "user", "outlet", "school_year", "line", "via"}  # via: see source_of

_KEY_LABELS = {
    "comment": "Comment",
    "reason": "Reason",
    "note": "Note",
    "fields": "Changed",
    "acknowledgements": "Statements acknowledged",
    "platform": "Platform",
    "handle": "Handle",
    "privacy": "Network",
    "comment_setting": "Comments",
    "comments": "Comments",
    "co_admins": "Co-administrators",
    "password_recorded": "Password recorded",
    "status": "Status now",
    "rows": "Rows",
    "filters": "Filters",
    "next_review_due": "Next review due",
    "period": "For",
    "via": "How",
    "starts_at": "Starts",
    "organiser": "Organiser",
    "version": "Statements version",
    "from": "From",
    "to": "To",
    "owner": "Was the owner",
    "flags": "Now needs",
    "break_glass": "Emergency access",
    "rotation_done": "Password changed after someone left",
    "needs_password_rotation": "Password must now be changed",
    "source": "File",
}

_VALUE_LABELS: dict[str, dict[str, str]] = {
    "privacy": {"private": "Private network", "public": "Public network"},
    "comment_setting": {"off": "Off", "moderated": "Moderated", "on": "On, checked daily"},
    "comments": {"off": "Off", "moderated": "Moderated (weekly check)", "on": "On (daily check)"},
    "via": {"portal": "In the portal", "email": "One-click e-mail link"},
    "status": {
        "draft": "Draft",
        "submitted": "Submitted",
        "changes_requested": "Changes requested",
        "approved": "Approved",
        "rejected": "Rejected",
        "withdrawn": "Withdrawn",
        "active": "Active",
        "disabled": "Disabled",
        "removed": "Removed",
    },
    "flags": {"needs_password_rotation": "a new password", "needs_new_owner": "a new owner"},
    "filters": {
        "q": "search",
        "org_unit": "unit",
        "actor": "who",
        "action": "action",
        "target": "object",
        "since": "from",
        "until": "to",
        "flag": "needs attention",
        "comment_setting": "comments",
    },
    "fields": {"password": "password", "login_username": "login username", "login_email": "login e-mail"},
}
# Labels lent by the apps above (codes → words), merged into _VALUE_LABELS.
_LENT: dict[str, dict[str, str]] = {}
# Labels an app computes from its data (e.g. the statements district admins publish): asked for when
# first needed, then kept LENT_LABELS_SECONDS (the app may forget them sooner, when its data changes).
_PROVIDERS: dict[str, Callable[[], dict]] = {}
_PROVIDED: dict[str, tuple[float, dict[str, str]]] = {}
LENT_LABELS_SECONDS = 60


def register_value_labels(key: str, labels: dict[str, str] | Callable[[], dict]) -> None:
    """Let an app name the values it owns under a detail key (e.g. approvals: statement codes → their
    wording under "acknowledgements"). Called from an AppConfig.ready(), with a dict or, for labels
    that live in the database, a function returning one (never called at start-up)."""
    if callable(labels):
        _PROVIDERS[key] = labels
        _PROVIDED.pop(key, None)
    else:
        _LENT.setdefault(key, {}).update({str(k): str(v) for k, v in labels.items()})


def forget_value_labels(key: str) -> None:
    """The app's data behind `key` changed: ask its function again next time."""
    _PROVIDED.pop(key, None)


def _lent(key: str) -> dict[str, str]:
    provider = _PROVIDERS.get(key)
    if provider is None:
        return _LENT.get(key, {})
    kept = _PROVIDED.get(key)
    if kept is None or time.monotonic() - kept[0] > LENT_LABELS_SECONDS:
        kept = (time.monotonic(), {str(k): str(v) for k, v in provider().items()})
        _PROVIDED[key] = kept
    return kept[1]


def is_known(action: str) -> bool:
    return action in ACTIONS


def action_label(action: str) -> str:
    """ "Request approved" for request.approved; an unknown code reads as itself, never as nothing."""
    wording = ACTIONS.get(action)
    return wording.label if wording else action


def action_choices(actions) -> list[tuple[str, str]]:
    """(code, label) pairs for a filter's select, sorted by label."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1].lower())


def school_year_label(year: Any) -> str:
    try:
        start = int(year)
    except (TypeError, ValueError):
        return str(year)
    return f"{start}–{(start + 1) % 100:02d}"


def _value_label(key: str, value: Any) -> str:
    text = str(value)
    return _lent(key).get(text) or _VALUE_LABELS.get(key, {}).get(text) or text.replace("_", " ")


def _date_text(value: str) -> str:
    moment = parse_datetime(value) if "T" in value else None
    if moment is not None:
        return date_format(moment, "DATETIME_FORMAT")
    day = parse_date(value) if len(value) == 10 else None
    return date_format(day, "DATE_FORMAT") if day else value


@dataclass
class Detail:
    label: str
    text: str = ""
    items: list[str] = field(default_factory=list)


def _detail(key: str, value: Any) -> Detail | None:
    label = _KEY_LABELS.get(key) or key.replace("_", " ").capitalize()
    if value in (None, "", [], {}):
        return None
    if isinstance(value, bool):
        if key in ("break_glass", "rotation_done", "needs_password_rotation") and not value:
            return None
        return Detail(label, "yes" if value else "no")
    if key == "acknowledgements" and isinstance(value, dict):
        versions = sorted({str(v) for v in value.values()})
        items = [_value_label(key, code) for code in value]
        plural = "s" if len(items) != 1 else ""
        return Detail(f"{label}", f"{len(items)} statement{plural}, version {', '.join(versions)}", items)
    if key == "handle":
        return Detail(label, f"@{value}")
    if key in ("next_review_due", "starts_at", "period") and isinstance(value, str):
        return Detail(label, _date_text(value))
    if isinstance(value, dict):
        parts = [f"{_value_label(key, k)}: {v}" for k, v in value.items() if v not in (None, "")]
        return Detail(label, "; ".join(parts)) if parts else None
    if isinstance(value, list | tuple):
        return Detail(label, ", ".join(_value_label(key, v) for v in value))
    return Detail(label, _value_label(key, value))


@dataclass
class HumanEvent:
    label: str
    sentence: SafeString
    details: list[Detail]
    source: str
    known: bool


def _actor(event) -> str:
    actor = getattr(event, "actor", None)
    if actor is None:
        return "The portal"
    return actor.get_full_name() or actor.email


def humanize(event) -> HumanEvent:
    """What one audit event says, for people. Never raises on old or unexpected details."""
    details = event.details if isinstance(event.details, dict) else {"details": event.details}
    wording = ACTIONS.get(event.action)
    values = {
        "actor": _actor(event),
        "target": event.target_repr or "an item",
        "unit": str(event.org_unit) if getattr(event, "org_unit_id", None) else "the district",
        "outlet": details.get("outlet") or event.target_repr or "a media outlet",
        "user": details.get("user") or "someone",
        "school_year": school_year_label(details.get("school_year", "")),
    }
    if wording is None:
        sentence = format_html("{} · {} · <em>{}</em>", values["actor"], event.action, values["target"])
    else:
        template = wording.sentence
        if event.action == "request.submitted" and details.get("resubmission"):
            template = "{actor} submitted {target} again, with the changes asked for"
        # The template is our own constant; every value is escaped by format_html. Targets are emphasised.
        values["target"] = format_html("<em>{}</em>", values["target"])
        sentence = format_html(template, **values)
    rows = [d for key, value in details.items() if key not in _HIDDEN and (d := _detail(key, value))]
    return HumanEvent(
        label=action_label(event.action),
        sentence=sentence,
        details=rows,
        source=source_of(event),
        known=wording is not None,
    )


def source_of(event) -> str:
    """Where the action came from, when the trail knows: the network address of a web request,
    the one-click e-mail link of a check-in, or the portal itself (reminder sweeps)."""
    details = event.details if isinstance(event.details, dict) else {}
    if details.get("via") == "email":
        return f"One-click e-mail link{f', {event.source_ip}' if event.source_ip else ''}"
    if event.source_ip:
        return str(event.source_ip)
    if getattr(event, "actor_id", None) is None:
        return "Automatic"
    return ""


def when(moment: datetime.datetime) -> str:
    return date_format(moment, "DATETIME_FORMAT")
