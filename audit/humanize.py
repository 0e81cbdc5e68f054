"""The audit trail for people: a label and a sentence per action, details as a short list.

The trail stores machine codes (`request.approved`, `{"comment": ...}`); the CSV export keeps them.
Pages show what this module makes of them: "Priya Principal approved *Room 12 class page*", with
"Comment: Looks good" underneath. Every action the code records has its wording here
(audit/tests/test_humanize.py scans the services for `action="..."` and fails on a missing one).

Apps above the audit layer know values the trail cannot (the acknowledgement statements' wording):
they lend their labels at start-up with `register_value_labels` (see approvals/apps.py), so this
module never imports them.

The wording is translated (issue 17): labels and sentences are lazy, read in the language of the page
that shows them; the sentences keep their named `{placeholders}` in every language.
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
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Wording:
    label: str  # lazy: gettext_lazy
    # Placeholders: {actor}, {target}, {unit} and any detail key (e.g. {outlet}); all are escaped.
    sentence: str


ACTIONS: dict[str, Wording] = {
    # Policy versions: the statements requesters acknowledge (§1.2.3)
    "policy.drafted": Wording(_("Statement wording drafted"), _("{actor} drafted a new wording of {target}")),
    "policy.published": Wording(_("Statement wording published"), _("{actor} published {target}")),
    "policy.retired": Wording(_("Statement retired"), _("{actor} retired {target}")),
    # The API (issue 16)
    "api.token_created": Wording(_("API token created"), _("{actor} created the API token {target}")),
    "api.token_first_used": Wording(_("API token first used"), _("The API token {target} was used for the first time")),
    "api.token_revoked": Wording(_("API token revoked"), _("{actor} revoked the API token {target}")),
    "api.webhook_registered": Wording(_("Webhook registered"), _("{actor} registered the webhook {target}")),
    "api.webhook_updated": Wording(_("Webhook changed"), _("{actor} changed the webhook {target}")),
    "api.webhook_secret_rotated": Wording(
        _("Webhook secret renewed"), _("{actor} renewed the secret of the webhook {target}")
    ),
    # The student media consent roster (§1.3.6); students are named by record id only
    "consent.roster_imported": Wording(_("Consent roster imported"), _("{actor} imported the consent roster {target}")),
    "consent.student_added": Wording(
        _("Student added to a roster"), _("{actor} added a student to {unit}'s consent roster")
    ),
    "consent.recorded": Wording(_("Consent recorded"), _("{actor} recorded consent answers for a student of {unit}")),
    "consent.student_removed": Wording(
        _("Student removed from a roster"), _("{actor} removed a student from {unit}'s roster")
    ),
    "consent.looked_up": Wording(_("Consent checked"), _("{actor} checked who may appear in a post at {unit}")),
    "consent.roster_viewed": Wording(_("Consent roster opened"), _("{actor} opened the consent roster of {unit}")),
    "consent.exported": Wording(_("Consent roster exported"), _("{actor} exported the consent roster of {unit}")),
    "consent.purged": Wording(
        _("Consent rosters purged"), _("Past school years' consent rosters were deleted on schedule")
    ),
    # Directory sync (SCIM) and bulk set-up
    "directory.token_issued": Wording(
        _("Directory token issued"), _("{actor} issued a token for the directory connection {target}")
    ),
    "directory.token_revoked": Wording(
        _("Directory token revoked"), _("{actor} revoked a token of the directory connection {target}")
    ),
    "directory.user_adopted": Wording(_("Person linked to the directory"), _("The directory took over {target}")),
    "directory.user_updated": Wording(_("Person updated by the directory"), _("The directory updated {target}")),
    "directory.user_reactivated": Wording(
        _("Person reactivated by the directory"), _("The directory reactivated {target}")
    ),
    "directory.user_offboarded": Wording(_("Person deactivated"), _("{target} was deactivated (left the directory)")),
    "directory.user_removed": Wording(_("Person removed by the directory"), _("The directory removed {target}")),
    "directory.group_created": Wording(_("Directory group added"), _("The directory added the group {target}")),
    "directory.group_updated": Wording(_("Directory group changed"), _("The directory changed the group {target}")),
    "directory.group_deleted": Wording(_("Directory group removed"), _("The directory removed the group {target}")),
    "directory.mappings_applied": Wording(
        _("Group mapping applied"), _("{actor} applied the unit mapping of {target}")
    ),
    "directory.import_applied": Wording(
        _("Staff list imported"), _("{actor} imported schools and staff from {target}")
    ),
    # Access follows membership; imports that name the importer (§1.4.6)
    "registry.access_withdrawn": Wording(
        _("Access withdrawn"), _("The portal withdrew access to {target} from someone who left")
    ),
    "offboarding.case_opened": Wording(
        _("Offboarding case opened"), _("The portal opened the offboarding case {target}")
    ),
    "offboarding.case_extended": Wording(
        _("Offboarding case extended"), _("New items were added to the offboarding case {target}")
    ),
    "offboarding.item_done": Wording(
        _("Offboarding item done"), _("{actor} finished an item of the offboarding case {target}")
    ),
    "offboarding.review_started": Wording(_("Access review started"), _("{actor} started the access review {target}")),
    "offboarding.handover_review_started": Wording(
        _("Handover review started"), _("The portal started the handover review {target} for a new approver")
    ),
    "offboarding.review_answered": Wording(
        _("Account confirmed in a review"), _("{actor} answered the review for {target}")
    ),
    "offboarding.case_closed": Wording(_("Offboarding case closed"), _("The offboarding case {target} is done")),
    "registry.import_confirmed": Wording(
        _("Imported account confirmed"), _("{actor} confirmed the imported account {target}")
    ),
    "registry.import_refused": Wording(
        _("Imported account refused"), _("{actor} refused the imported account {target}")
    ),
    # The Django admin (every add, change and delete there: audit/admin_trail.py)
    "admin.added": Wording(_("Added in the admin"), _("{actor} added {target} in the district admin")),
    "admin.changed": Wording(_("Changed in the admin"), _("{actor} changed {target} in the district admin")),
    "admin.deleted": Wording(_("Deleted in the admin"), _("{actor} deleted {target} in the district admin")),
    # Account requests (§1.4.6, §1.2.3)
    "request.created": Wording(_("Request started"), _("{actor} started a request for {target}")),
    "request.updated": Wording(_("Request edited"), _("{actor} edited the request {target}")),
    "request.submitted": Wording(_("Request submitted"), _("{actor} submitted {target} for approval")),
    "request.approved": Wording(_("Request approved"), _("{actor} approved {target}")),
    "request.rejected": Wording(_("Request rejected"), _("{actor} rejected {target}")),
    "request.changes_requested": Wording(_("Changes asked for"), _("{actor} asked for changes to {target}")),
    "request.withdrawn": Wording(_("Request withdrawn"), _("{actor} withdrew {target}")),
    "request.reassigned": Wording(
        _("Request reassigned"), _("{actor} handed {target} to a colleague: its requester left the unit")
    ),
    # The registry (§1.4.5, §1.4.2, §1.2.1.3)
    "registry.registered": Wording(_("Account registered"), _("{actor} registered {target}")),
    "registry.imported": Wording(_("Account imported"), _("{actor} imported {target} from an earlier list")),
    "registry.exported": Wording(_("Registry exported"), _("{actor} downloaded the registry as a spreadsheet")),
    "registry.credentials_updated": Wording(
        _("Login details changed"), _("{actor} recorded new login details for {target}")
    ),
    "registry.credentials_revealed": Wording(
        _("Login details viewed"), _("{actor} viewed the login details of {target}")
    ),
    "registry.disabled": Wording(_("Account disabled"), _("{actor} disabled {target}")),
    "registry.removed": Wording(_("Account removed"), _("{actor} removed {target} from the registry")),
    "registry.feedback": Wording(_("Feedback given"), _("{actor} gave feedback on {target}")),
    "registry.reactivated": Wording(_("Account reactivated"), _("{actor} reactivated {target}")),
    "registry.ownership_transferred": Wording(_("Owner changed"), _("{actor} handed {target} to a new owner")),
    "registry.co_admin_added": Wording(
        _("Co-administrator added"), _("{actor} gave {user} administrative access to {target}")
    ),
    "registry.co_admin_expired": Wording(
        _("Co-admin access ended"), _("The co-administrator's access to {target} ended on its date")
    ),
    "registry.co_admin_removed": Wording(
        _("Co-administrator removed"), _("{actor} took administrative access to {target} away from {user}")
    ),
    "registry.flagged_departed_user": Wording(
        _("Flagged: someone with access left"), _("{actor} flagged {target}: {user} left the district")
    ),
    "registry.review_confirmed": Wording(
        _("Site review done"), _("{actor} confirmed {target} is still in use and current")
    ),
    "registry.decommission_requested": Wording(
        _("Decommission asked for"), _("{actor} asked to decommission {target}")
    ),
    # Comment moderation (§1.4.3)
    "moderation.checked_in": Wording(_("Comments checked"), _("{actor} checked the comments on {target}")),
    # Outreach (§1.5.1, §3.1, §2)
    "inquiry.logged": Wording(_("Media inquiry referred"), _("{actor} referred a media inquiry from {outlet}")),
    "inquiry.acknowledged": Wording(
        _("Media inquiry acknowledged"), _("{actor} acknowledged the media inquiry {target}")
    ),
    "inquiry.responded": Wording(_("Media inquiry answered"), _("{actor} answered the media inquiry {target}")),
    "inquiry.closed": Wording(_("Media inquiry closed"), _("{actor} closed the media inquiry {target}")),
    "event.scheduled": Wording(_("Event recorded"), _("{actor} recorded the event {target}")),
    "event.announcement_confirmed": Wording(
        _("No-photo announcement read"), _("{actor} read the no-photo announcement to parents at {target}")
    ),
    "event.cancelled": Wording(_("Event cancelled"), _("{actor} cancelled {target}")),
    "attestation.confirmed": Wording(
        _("Personal-use rules confirmed"), _("{actor} confirmed the personal social media rules for {school_year}")
    ),
    # Reports
    "audit.exported": Wording(_("Audit trail exported"), _("{actor} downloaded the audit trail as a spreadsheet")),
    "compliance.exported": Wording(
        _("Compliance report exported"), _("{actor} downloaded the compliance report of {unit} as a spreadsheet")
    ),
}

# Details that the sentence already says, or that mean nothing to a reader.
_HIDDEN = {"resubmission", "request", "user", "outlet", "school_year", "line", "via"}  # via: see source_of

_KEY_LABELS = {
    "comment": _("Comment"),
    "reason": _("Reason"),
    "note": _("Note"),
    "fields": _("Changed"),
    "acknowledgements": _("Statements acknowledged"),
    "platform": _("Platform"),
    "handle": _("Handle"),
    "privacy": _("Network"),
    "comment_setting": _("Comments"),
    "comments": _("Comments"),
    "co_admins": _("Co-administrators"),
    "password_recorded": _("Password recorded"),
    "status": _("Status now"),
    "rows": _("Rows"),
    "filters": _("Filters"),
    "next_review_due": _("Next review due"),
    "period": _("For"),
    "via": _("How"),
    "starts_at": _("Starts"),
    "organiser": _("Organiser"),
    "version": _("Statements version"),
    "from": _("From"),
    "to": _("To"),
    "owner": _("Was the owner"),
    "flags": _("Now needs"),
    "break_glass": _("Emergency access"),
    "rotation_done": _("Password changed after someone left"),
    "needs_password_rotation": _("Password must now be changed"),
    "source": _("File"),
    "account": _("Account"),
    "accounts": _("Accounts"),
    "based_on": _("Based on"),
    "changed": _("Changed"),
    "changes": _("Changes"),
    "classes": _("Classes"),
    "clause": _("Clause"),
    "code": _("Code"),
    "connection": _("Directory connection"),
    "counts": _("Counts"),
    "display_name": _("Display name"),
    "due_on": _("Due on"),
    "events": _("Events"),
    "expires_at": _("Expires"),
    "files": _("Files"),
    "format": _("Format"),
    "grades": _("Grades"),
    "group": _("Group"),
    "groups_left": _("Groups left"),
    "id": _("Identifier"),
    "identification_confirmed": _("Identification confirmed"),
    "imported_by": _("Imported by"),
    "item": _("Item"),
    "items": _("Items"),
    "joined": _("Joined"),
    "left": _("Left"),
    "line": _("Line"),
    "mappings": _("Group mappings"),
    "members": _("Members"),
    "memberships_removed": _("Memberships removed"),
    "model": _("Record type"),
    "name": _("Name"),
    "names_searched": _("Names searched"),
    "new": _("New"),
    "object": _("Record"),
    "on_behalf_of": _("On behalf of"),
    "outlet": _("Media outlet"),
    "page": _("Page"),
    "removed": _("Removed"),
    "replaces": _("Replaces"),
    "request": _("Request"),
    "resubmission": _("Resubmission"),
    "retention_days": _("Kept for (days)"),
    "review": _("Review"),
    "rosters": _("Rosters"),
    "school_year": _("School year"),
    "school_years": _("School years"),
    "scopes": _("Scopes"),
    "searched": _("Searched"),
    "students": _("Students"),
    "students_listed": _("Students listed"),
    "token": _("Token"),
    "token_id": _("Token"),
    "trigger": _("Why"),
    "unchanged": _("Unchanged"),
    "units": _("Units"),
    "until": _("Until"),
    "url": _("Address"),
    "user": _("Person"),
    "photo_video": _("Photos and videos"),
    "name_use": _("Use of name"),
    "work_samples": _("Work samples"),
}

_VALUE_LABELS: dict[str, dict[str, str]] = {
    "privacy": {"private": _("Private network"), "public": _("Public network")},
    "comment_setting": {"off": _("Off"), "moderated": _("Moderated"), "on": _("On, checked daily")},
    "comments": {"off": _("Off"), "moderated": _("Moderated (weekly check)"), "on": _("On (daily check)")},
    "via": {"portal": _("In the portal"), "email": _("One-click e-mail link")},
    "status": {
        "draft": _("Draft"),
        "submitted": _("Submitted"),
        "changes_requested": _("Changes requested"),
        "approved": _("Approved"),
        "rejected": _("Rejected"),
        "withdrawn": _("Withdrawn"),
        "active": _("Active"),
        "disabled": _("Disabled"),
        "removed": _("Removed"),
    },
    "flags": {"needs_password_rotation": _("a new password"), "needs_new_owner": _("a new owner")},
    "filters": {
        "q": _("search"),
        "org_unit": _("unit"),
        "actor": _("who"),
        "action": _("action"),
        "target": _("object"),
        "since": _("from"),
        "until": _("to"),
        "flag": _("needs attention"),
        "comment_setting": _("comments"),
    },
    "fields": {"password": _("password"), "login_username": _("login username"), "login_email": _("login e-mail")},
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
        # Values stay as given: a lazy label is read in the language of each page, not at start-up.
        _LENT.setdefault(key, {}).update({str(k): v for k, v in labels.items()})


def forget_value_labels(key: str) -> None:
    """The app's data behind `key` changed: ask its function again next time."""
    _PROVIDED.pop(key, None)


def _lent(key: str) -> dict[str, str]:
    provider = _PROVIDERS.get(key)
    if provider is None:
        return _LENT.get(key, {})
    kept = _PROVIDED.get(key)
    if kept is None or time.monotonic() - kept[0] > LENT_LABELS_SECONDS:
        kept = (time.monotonic(), {str(k): v for k, v in provider().items()})
        _PROVIDED[key] = kept
    return kept[1]


def is_known(action: str) -> bool:
    return action in ACTIONS


def action_label(action: str) -> str:
    """ "Request approved" for request.approved; an unknown code reads as itself, never as nothing."""
    wording = ACTIONS.get(action)
    return str(wording.label) if wording else action


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
    return str(_lent(key).get(text) or _VALUE_LABELS.get(key, {}).get(text) or text.replace("_", " "))


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
    label = str(_KEY_LABELS.get(key) or key.replace("_", " ").capitalize())
    if value in (None, "", [], {}):
        return None
    if isinstance(value, bool):
        if key in ("break_glass", "rotation_done", "needs_password_rotation") and not value:
            return None
        return Detail(label, gettext("yes") if value else gettext("no"))
    if key == "acknowledgements" and isinstance(value, dict):
        versions = sorted({str(v) for v in value.values()})
        items = [_value_label(key, code) for code in value]
        text = ngettext(
            "%(count)s statement, version %(versions)s", "%(count)s statements, version %(versions)s", len(items)
        ) % {"count": len(items), "versions": ", ".join(versions)}
        return Detail(label, text, items)
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
        return gettext("The portal")
    return actor.get_full_name() or actor.email


def humanize(event) -> HumanEvent:
    """What one audit event says, for people. Never raises on old or unexpected details."""
    details = event.details if isinstance(event.details, dict) else {"details": event.details}
    wording = ACTIONS.get(event.action)
    values = {
        "actor": _actor(event),
        "target": event.target_repr or gettext("an item"),
        "unit": str(event.org_unit) if getattr(event, "org_unit_id", None) else gettext("the district"),
        "outlet": details.get("outlet") or event.target_repr or gettext("a media outlet"),
        "user": details.get("user") or gettext("someone"),
        "school_year": school_year_label(details.get("school_year", "")),
    }
    if wording is None:
        sentence = format_html("{} · {} · <em>{}</em>", values["actor"], event.action, values["target"])
    else:
        template = str(wording.sentence)
        if event.action == "request.submitted" and details.get("resubmission"):
            template = gettext("{actor} submitted {target} again, with the changes asked for")
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
        if event.source_ip:
            return gettext("One-click e-mail link, %(address)s") % {"address": event.source_ip}
        return gettext("One-click e-mail link")
    if event.source_ip:
        return str(event.source_ip)
    if getattr(event, "actor_id", None) is None:
        return gettext("Automatic")
    return ""


def when(moment: datetime.datetime) -> str:
    return date_format(moment, "DATETIME_FORMAT")
