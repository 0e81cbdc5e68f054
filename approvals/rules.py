"""The rules an account request must meet, in one place for the form and the services.

`draft_problems` holds at every save (a draft may be incomplete but never wrong); `submission_problems`
adds everything a request needs before a principal or supervisor can decide it. Both return
{field name: message}; the form shows each message at its field, the services raise them.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import units_employing
from accounts.validators import is_district_email, validate_district_email

from .acknowledgements import active_statements
from .models import AccountRequest, PolicyVersion

# The model fields a requester fills in (the form's fields, the values the services accept).
REQUEST_FIELDS = (
    "org_unit",
    "platform",
    "title",
    "school_based",
    "purpose",
    "mission_alignment",
    "description",
    "intended_audience",
    "network",
    "public_justification",
    "comment_setting",
    "account_email",
    "identification_text",
    "school_website_url",
)

# Needed before submission, whatever the kind of site.
REQUIRED_TO_SUBMIT = {
    "title": gettext_lazy("Give the site a name."),
    "description": gettext_lazy("Describe what the site is for and what you will post."),
    "intended_audience": gettext_lazy("Say who the site is for (AP 1311 §1.4.4)."),
    "account_email": gettext_lazy("Give the district e-mail address the account will use (AP 1311 §1.1.1)."),
    "identification_text": gettext_lazy(
        "Write how the site will say that it is a professional district site (AP 1311 §1.2.4)."
    ),
    "school_website_url": gettext_lazy(
        "Give the link to the school or unit website the site will point to (AP 1311 §1.2.4)."
    ),
}

_web_url = URLValidator(schemes=["http", "https"])


def ack_field(code: str) -> str:
    """The form field name of one acknowledgement."""
    return f"ack_{code}"


def current_versions(codes, statements: list[PolicyVersion] | None = None) -> dict[str, str]:
    """{code: active version} for the given statement codes (unknown or retired codes are dropped)."""
    wanted = set(codes)
    return {s.code: s.version for s in _or_active(statements) if s.code in wanted}


def acknowledged_codes(acknowledged: Mapping[str, str], statements: list[PolicyVersion] | None = None) -> set[str]:
    """Codes ticked for the statement's active version (a tick given for an older wording does not count)."""
    return {s.code for s in _or_active(statements) if acknowledged.get(s.code) == s.version}


def _or_active(statements: list[PolicyVersion] | None) -> list[PolicyVersion]:
    return active_statements() if statements is None else statements


def values_of(account_request: AccountRequest) -> dict[str, Any]:
    return {name: getattr(account_request, name) for name in REQUEST_FIELDS}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def draft_problems(*, requester, values: Mapping[str, Any]) -> dict[str, str]:
    """What may never be saved, not even in a draft."""
    problems: dict[str, str] = {}
    unit = values.get("org_unit")
    if unit is None:
        problems["org_unit"] = _("Choose the school or department the site belongs to.")
    elif not units_employing(requester).filter(pk=unit.pk).exists():
        problems["org_unit"] = _("You can only ask for accounts for a school or department you work in.")
    platform = values.get("platform")
    if platform is None:
        problems["platform"] = _("Choose the platform.")
    elif not platform.is_approved:
        # AP 1311 §1.4.7: only district-approved online applications.
        problems["platform"] = _("%(platform)s is not a district-approved platform (AP 1311 §1.4.7).") % {
            "platform": platform
        }
    if _blank(values.get("title")):
        problems["title"] = _("Give the site a name, even for a draft.")
    email = values.get("account_email") or ""
    if email and not is_district_email(email):
        # AP 1311 §1.1.1: never a personal address, not even in a draft.
        try:
            validate_district_email(email)
        except ValidationError as error:
            problems["account_email"] = error.messages[0]
    url = values.get("school_website_url") or ""
    if url:
        try:
            _web_url(url)
        except ValidationError:
            problems["school_website_url"] = _("Enter a full web address starting with https:// (AP 1311 §1.2.4).")
    return problems


def submission_problems(
    *,
    requester,
    values: Mapping[str, Any],
    acknowledged: Mapping[str, str],
    statements: list[PolicyVersion] | None = None,
) -> dict[str, str]:
    """Everything that stops a request from being submitted; empty when it is ready.

    `acknowledged` is {code: version ticked}; every active policy version (`statements`, read from
    the database when not given) needs a tick for its own version.
    """
    problems = draft_problems(requester=requester, values=values)
    for name, message in REQUIRED_TO_SUBMIT.items():
        if _blank(values.get(name)) and name not in problems:
            problems[name] = str(message)
    if values.get("school_based"):
        # AP 1311 §1.2.1: school-based sites serve instructional, educational or extra-curricular matters.
        if _blank(values.get("purpose")):
            problems["purpose"] = _("Choose the purpose of a school-based site (AP 1311 §1.2.1).")
    elif _blank(values.get("mission_alignment")):
        # AP 1311 §1.2.2: other professional sites align with the district's mission and function.
        problems["mission_alignment"] = _(
            "Explain how a site that is not school-based serves the district's mission (AP 1311 §1.2.2)."
        )
    if values.get("network") == AccountRequest.Network.PUBLIC and _blank(values.get("public_justification")):
        # AP 1311 §1.4.4: private is the recommended practice; public needs a specific educational need.
        problems["public_justification"] = _(
            "A public site needs a specific educational reason; otherwise choose a private network (AP 1311 §1.4.4)."
        )
    platform = values.get("platform")
    if (
        platform is not None
        and values.get("comment_setting") == AccountRequest.Comments.OFF
        and not platform.supports_comments_off
    ):
        # AP 1311 §1.4.3: if comments cannot be off, they are moderated or monitored daily.
        problems["comment_setting"] = _(
            "%(platform)s cannot turn comments off: choose moderated, or on with daily monitoring (AP 1311 §1.4.3)."
        ) % {"platform": platform}
    statements = _or_active(statements)
    ticked = acknowledged_codes(acknowledged, statements)
    for statement in statements:
        if statement.code not in ticked:
            problems[ack_field(statement.code)] = _("Tick this statement to submit (%(clause)s).") % {
                "clause": statement.clause
            }
    return problems
