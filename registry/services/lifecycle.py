"""How an account enters the registry: one set of rules and one creation path (§1.4.5).

Registration (`register_account`) and the CSV import (`inventory.import_registry_csv`) both describe
the account as a `NewEntry`, ask `entry_problems` what is wrong with it, and save it with
`create_entry`; so the import enforces every rule registration does, and the other way round.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import OrgUnit, User
from accounts.selectors import approvers_of
from approvals.models import AccountRequest
from audit.services import record_event
from catalogue.models import Platform
from core.text import SINGLE_LINE_MESSAGE, has_line_break_or_control

from .. import selectors
from ..fields import Secret
from ..models import PasswordChange, RegistryEntry, normalize_handle
from ._common import (
    RegistryError,
    Status,
    co_admin_problem,
    district_email_problem,
    entry_url,
    is_member,
    lock,
    next_review,
    notify_all,
    require_reason,
)

Privacy, Comments = RegistryEntry.Privacy, RegistryEntry.Comments

# Text that must fit its column: PostgreSQL refuses longer values when saving (a 500, not a message).
SINGLE_LINE = ("name", "handle", "url", "login_username", "login_email", "recovery_email")
LENGTH_LIMITED = ("handle", "url", "login_username", "login_email", "recovery_email", "school_website_url")
_web_url = URLValidator(schemes=["http", "https"])


@dataclass
class NewEntry:
    """An account about to enter the registry, from the registration form or from one CSV row.

    Text is normalised on creation (handle without @, e-mails lower case, choices lower case); the
    owner is dropped from the co-admins, who count once each. The password never shows in its repr.
    """

    org_unit: OrgUnit | None
    platform: Platform | None
    owner: User | None
    handle: str
    login_username: str
    login_email: str
    url: str = ""
    recovery_email: str = ""
    password: str = field(default="", repr=False)
    privacy: str = Privacy.PRIVATE
    comment_setting: str = Comments.OFF
    co_admins: list[User] = field(default_factory=list)
    name: str = ""
    # The approved request being registered (§1.4.6); None for an account imported from an older list.
    request: AccountRequest | None = None
    last_reviewed: datetime.date | None = None
    # §1.2.4: how the site identifies itself, and the school or unit website it links to.
    identification_text: str = ""
    school_website_url: str = ""

    def __post_init__(self):
        self.handle = normalize_handle(self.handle)
        self.url = (self.url or "").strip()
        self.identification_text = (self.identification_text or "").strip()
        self.school_website_url = (self.school_website_url or "").strip()
        self.login_username = (self.login_username or "").strip()
        self.login_email = (self.login_email or "").strip().lower()
        self.recovery_email = (self.recovery_email or "").strip().lower()
        self.privacy = (self.privacy or "").strip().lower()
        self.comment_setting = (self.comment_setting or "").strip().lower()
        owner_pk = self.owner.pk if self.owner is not None else None
        unique = {u.pk: u for u in self.co_admins if u.pk != owner_pk}  # the owner already has access
        self.co_admins = list(unique.values())


def handle_taken(handle: str, platform_id: int, exclude_pk: int | None = None) -> bool:
    """A live (not removed) account already has this handle on the platform, whatever its case."""
    qs = (
        RegistryEntry.objects.annotate(h=Lower("handle"))
        .filter(h=handle.lower(), platform_id=platform_id)
        .exclude(status=Status.REMOVED)
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def entry_problems(new: NewEntry) -> dict[str, str]:
    """Everything that stops `new` from entering the registry: {field: message}, empty when it may.

    Fields left empty by the caller (an unknown unit, platform or owner in an import row) are the
    caller's to report; the rules that depend on them are skipped.
    """
    problems: dict[str, str] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, message)  # the first problem of each field

    platform, unit, owner = new.platform, new.org_unit, new.owner
    if platform is not None and not platform.is_approved:
        # §1.4.7: only district-approved online applications.
        add("platform", _("%(platform)s is not a district-approved platform (§1.4.7).") % {"platform": platform})
    if owner is not None:
        # §1.4.5: the unit keeps the list of its own staff's accounts.
        if not owner.is_active:
            add(
                "owner",
                _("%(name)s no longer has an active account and cannot own an account.") % {"name": owner.short_name},
            )
        elif unit is not None and not is_member(owner, unit.pk):
            add("owner", _("%(email)s is not staff of %(unit)s.") % {"email": owner.email, "unit": unit})
    for name in SINGLE_LINE:
        # A line break in a handle or name would reach e-mail subjects; a NUL is refused by PostgreSQL.
        if has_line_break_or_control(getattr(new, name) or ""):
            add(name, SINGLE_LINE_MESSAGE)
    for name in LENGTH_LIMITED:
        limit = RegistryEntry._meta.get_field(name).max_length
        if len(getattr(new, name)) > limit:
            add(name, _("%(field)s is longer than %(limit)s characters.") % {"field": name, "limit": limit})
    if not new.handle:
        add("handle", _("Enter the account's handle (its name on the platform)."))
    elif platform is not None and handle_taken(new.handle, platform.pk):
        add(
            "handle",
            _("@%(handle)s on %(platform)s is already in the registry.") % {"handle": new.handle, "platform": platform},
        )
    if new.url:
        try:
            _web_url(new.url)
        except ValidationError:
            add("url", _("Enter the account's public address as a full link (https://…)."))
    if new.school_website_url:
        try:
            _web_url(new.school_website_url)
        except ValidationError:
            add("school_website_url", _("Enter the school or unit website as a full link (https://…) (§1.2.4)."))
    if not new.login_username:
        add("login_username", _("Enter the username used to sign in to the account."))
    # §1.1.1: the account signs in, and is recovered, through district addresses only.
    if problem := district_email_problem(new.login_email, _("Login e-mail")):
        add("login_email", problem)
    if new.recovery_email and (problem := district_email_problem(new.recovery_email, _("Recovery e-mail"))):
        add("recovery_email", problem)
    if new.privacy not in Privacy.values:
        add("privacy", _("Privacy must be private or public."))
    elif (
        new.privacy == Privacy.PUBLIC
        and new.request is not None
        and new.request.network != AccountRequest.Network.PUBLIC
    ):
        # §1.4.4: going public needs its own justification and approval.
        add(
            "privacy",
            _(
                "This account was approved as a private network. "
                "Ask for a new approval before making it public (§1.4.4)."
            ),
        )
    if new.comment_setting not in Comments.values:
        add("comment_setting", _("Comments must be off, moderated or on."))
    elif new.comment_setting == Comments.OFF and platform is not None and not platform.supports_comments_off:
        # §1.4.3: where comments cannot be off, they are moderated or checked daily.
        add(
            "comment_setting",
            _("%(platform)s cannot turn comments off: choose moderated or on (§1.4.3).") % {"platform": platform},
        )
    for user in new.co_admins:
        # §1.4.5: administrative access stays with active staff of the unit.
        if problem := co_admin_problem(user, unit.pk if unit is not None else None):
            add("co_admins", problem)
    if problem := enough_hands_problem(new):
        add("co_admins", problem)
    return problems


def enough_hands_problem(new: NewEntry) -> str:
    """§1.4.5, enough hands from the first day (MIN_ACCOUNT_ADMINS): the owner and enough co-admins that one
    person leaving strands no account; "" when there are. One rule for registration and the CSV import."""
    needed = selectors.admins_needed()
    if 1 + len(new.co_admins) >= needed:
        return ""
    backups = needed - 1
    return ngettext(
        "Name at least %(backups)s co-administrator as a backup: "
        "every account needs %(needed)s people with administrative access (§1.4.5).",
        "Name at least %(backups)s co-administrators as a backup: "
        "every account needs %(needed)s people with administrative access (§1.4.5).",
        backups,
    ) % {"backups": backups, "needed": needed}


# Topmost, so that the caller's variables stay hidden from error reports as well.
@sensitive_variables()
def create_entry(
    *,
    actor: User,
    new: NewEntry,
    action: str,
    password_reason: str,
    first_review_due: datetime.date,
    details: dict,
    awaiting_confirmation: bool = False,
) -> RegistryEntry:
    """Save a `NewEntry` that `entry_problems` found nothing wrong with.

    Sets its co-admins, records a dated password change (never the value) when a password is given,
    and writes its one audit event (`action`, with `details` and whether a password was recorded).
    With `awaiting_confirmation` the entry starts pending: another approver confirms it (§1.4.6).
    Call it inside the caller's transaction; notifications are the caller's. A handle taken at the
    last moment by someone else raises RegistryError.
    """
    now = timezone.now()
    reviewed = new.last_reviewed
    entry = RegistryEntry(
        request=new.request,
        platform=new.platform,
        org_unit=new.org_unit,
        name=new.name[:120],
        owner=new.owner,
        handle=new.handle,
        url=new.url,
        identification_text=new.identification_text,
        school_website_url=new.school_website_url,
        login_username=new.login_username,
        login_email=new.login_email,
        recovery_email=new.recovery_email,
        password=Secret(plaintext=new.password) if new.password else Secret(),
        password_changed_at=now if new.password else None,
        privacy=new.privacy,
        comment_setting=new.comment_setting,
        status=Status.PENDING if awaiting_confirmation else Status.ACTIVE,
        status_changed_at=now,
        last_reviewed_at=(
            timezone.make_aware(datetime.datetime.combine(reviewed, datetime.time(12))) if reviewed else None
        ),
        next_review_due=first_review_due,
        registered_by=actor,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise RegistryError(
            _("@%(handle)s on %(platform)s is already in the registry.")
            % {"handle": new.handle, "platform": new.platform}
        ) from error
    entry.co_admins.set(new.co_admins)
    if new.password:
        PasswordChange.objects.create(entry=entry, changed_by=actor, reason=password_reason)
    record_event(
        actor=actor,
        action=action,
        target=entry,
        org_unit=entry.org_unit,
        details={
            **details,
            "password_recorded": bool(new.password),
            **({"awaiting_confirmation": True} if awaiting_confirmation else {}),
        },
    )
    return entry


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def register_account(
    *,
    actor: User,
    account_request: AccountRequest,
    handle: str,
    url: str = "",
    login_username: str,
    login_email: str,
    recovery_email: str = "",
    password: str = "",
    privacy: str | None = None,
    comment_setting: str | None = None,
    co_admins: Iterable[User] = (),
) -> RegistryEntry:
    """Record the account an approved request set up (§1.4.5, §1.4.6).

    Starting state: the request is approved and not registered yet (only once).
    Who: the requester (who becomes the owner) or an approver of the request's unit
    (`selectors.can_register`). The account must meet `entry_problems`; the first problem is the
    error's message, all of them its `problems`.
    Side effects: one audit event; the unit's approvers, the owner and the new co-admins are told.
    """
    account_request = (
        AccountRequest.objects.select_for_update(of=("self",))
        .select_related("platform", "org_unit", "requester")
        .get(pk=account_request.pk)
    )
    if not selectors.can_register(actor, account_request):
        raise RegistryError(selectors.registration_refusal(actor, account_request))
    new = NewEntry(
        request=account_request,
        org_unit=account_request.org_unit,
        platform=account_request.platform,
        owner=account_request.requester,
        name=account_request.title,
        handle=handle,
        url=url,
        login_username=login_username,
        login_email=login_email,
        recovery_email=recovery_email,
        password=password,
        privacy=privacy or account_request.network,
        comment_setting=comment_setting or account_request.comment_setting,
        co_admins=list(co_admins),
        # §1.2.4: what was agreed on the request travels with the account.
        identification_text=account_request.identification_text,
        school_website_url=account_request.school_website_url,
    )
    problems = entry_problems(new)  # enough hands included (§1.4.5): the import asks the same
    if problems:
        raise RegistryError(next(iter(problems.values())), problems=problems)
    entry = create_entry(
        actor=actor,
        new=new,
        action="registry.registered",
        password_reason=PasswordChange.Reason.REGISTERED,
        first_review_due=next_review(settings.PORTAL["REVIEW_CADENCE_DAYS"]),
        details={
            "request": account_request.pk,
            "platform": new.platform.name,
            "handle": new.handle,
            "privacy": new.privacy,
            "comment_setting": new.comment_setting,
            "co_admins": [u.email for u in new.co_admins],
        },
    )
    url_ = entry_url(entry)
    context = {"entry": entry, "actor": actor}
    notify_all(
        [u for u in approvers_of(entry.org_unit) if u.pk != actor.pk],
        kind="registry.registered",
        context=context,
        url=url_,
    )
    if entry.owner_id != actor.pk:
        notify_all([entry.owner], kind="registry.registered", context={**context, "to_owner": True}, url=url_)
    notify_all(
        [u for u in new.co_admins if u.pk != actor.pk],
        kind="registry.co_admin_added",
        context=context,
        url=url_,
    )
    return entry


def notify_confirmers(*, entry: RegistryEntry, actor: User) -> None:
    """Tell the people who may confirm a pending import that it waits for them (§1.4.6)."""
    notify_all(
        selectors.import_confirmers(entry),
        kind="registry.import_to_confirm",
        context={"entry": entry, "actor": actor},
        url=entry_url(entry),
    )


@transaction.atomic
def confirm_import(*, actor: User, entry: RegistryEntry) -> RegistryEntry:
    """A second approver confirms an imported account that named its importer (§1.4.6): pending → active.

    Who: another approver of the unit, or a district admin, who neither imported nor administers the
    account (`selectors.can_confirm_import`). Side effects: one audit event; the importer and the owner
    are told.
    """
    entry = lock(entry)
    if problem := selectors.confirmation_refusal(actor, entry):
        raise RegistryError(problem)
    now = timezone.now()
    entry.status = Status.ACTIVE
    entry.status_changed_at = now
    entry.confirmed_by = actor
    entry.confirmed_at = now
    entry.save(update_fields=["status", "status_changed_at", "confirmed_by", "confirmed_at", "updated_at"])
    record_event(
        actor=actor,
        action="registry.import_confirmed",
        target=entry,
        org_unit=entry.org_unit,
        details={"imported_by": entry.registered_by.email if entry.registered_by else ""},
    )
    told = {u.pk: u for u in (entry.registered_by, entry.owner) if u is not None and u.pk != actor.pk}
    notify_all(
        told.values(), kind="registry.import_confirmed", context={"entry": entry, "actor": actor}, url=entry_url(entry)
    )
    return entry


@transaction.atomic
def refuse_import(*, actor: User, entry: RegistryEntry, reason: str) -> RegistryEntry:
    """A second approver refuses an imported account that named its importer (§1.4.6): pending → removed.

    The entry stays as history (nothing in the registry is deleted) and its handle is free again. Who: as
    `confirm_import`. A reason is required. Side effects: one audit event with the reason; the importer
    and the owner are told why.
    """
    entry = lock(entry)
    if problem := selectors.confirmation_refusal(actor, entry):
        raise RegistryError(problem)
    reason = require_reason(
        reason, _("Give a reason for refusing this account: the owner is told and the audit trail keeps it.")
    )
    entry.status = Status.REMOVED
    entry.status_changed_at = timezone.now()
    entry.save(update_fields=["status", "status_changed_at", "updated_at"])
    record_event(
        actor=actor,
        action="registry.import_refused",
        target=entry,
        org_unit=entry.org_unit,
        details={"reason": reason[:1000], "imported_by": entry.registered_by.email if entry.registered_by else ""},
    )
    told = {u.pk: u for u in (entry.registered_by, entry.owner) if u is not None and u.pk != actor.pk}
    notify_all(
        told.values(),
        kind="registry.import_refused",
        context={"entry": entry, "actor": actor, "reason": reason},
        url=entry_url(entry),
    )
    return entry
