"""Every state change of an account request: one function per transition.

    (new) ──create_draft──▶ draft ──submit_request──▶ submitted ──approve_request──▶ approved
                              │                        │   ▲   ──reject_request───▶ rejected
                              │                        │   │
                              │       request_changes  ▼   │ submit_request
                              │                   changes_requested
                              └──── withdraw_request (draft, submitted, changes_requested) ──▶ withdrawn

Each function runs in one transaction: lock the request row, check who is calling, check the
state, change it, write exactly one audit event, and create the notifications (their e-mails leave
after commit). A refusal raises WorkflowError (NotPermitted when the caller may never do this);
str(error) is written for the person who clicked. Nothing here ever fails silently.

The state change itself is a conditional UPDATE (`WHERE status IN allowed`) on top of the row
lock: with PostgreSQL the second of two approvers waits on the lock and then sees the first one's
decision; with SQLite, where SELECT ... FOR UPDATE is a no-op, the conditional UPDATE alone makes
sure only one of them changes the row.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Membership, User
from audit.services import record_event
from core.errors import DomainError
from core.errors import NotPermitted as BaseNotPermitted
from core.i18n import localized, override_for
from notifications.services import notify

from . import rules
from .acknowledgements import active_statements
from .models import AccountRequest, Acknowledgement, PolicyVersion
from .selectors import deciders_for, is_decider_for

Status = AccountRequest.Status


class WorkflowError(DomainError):
    """A refused transition. str(error) is shown to the user as it is.

    `problems` ({field: message}) says what to fix when a request is not ready to submit.
    """


class NotPermitted(WorkflowError, BaseNotPermitted):
    """The caller may never do this to this request (views answer 403)."""


# --- Helpers -----------------------------------------------------------------------------------------


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _lock(account_request: AccountRequest | int) -> AccountRequest:
    pk = account_request.pk if isinstance(account_request, AccountRequest) else account_request
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return AccountRequest.objects.select_for_update().get(pk=pk)


# What the caller tried (the `doing` codes below), as the start of a refusal; whole sentences so each
# language words them its own way.
_CANNOT = {
    "edit": gettext_lazy("You cannot edit “%(title)s”: %(reason)s."),
    "submit": gettext_lazy("You cannot submit “%(title)s”: %(reason)s."),
    "approve": gettext_lazy("You cannot approve “%(title)s”: %(reason)s."),
    "reject": gettext_lazy("You cannot reject “%(title)s”: %(reason)s."),
    "ask for changes on": gettext_lazy("You cannot ask for changes on “%(title)s”: %(reason)s."),
    "withdraw": gettext_lazy("You cannot withdraw “%(title)s”: %(reason)s."),
    "reassign": gettext_lazy("You cannot reassign “%(title)s”: %(reason)s."),
}
_ONLY_REQUESTER = {
    "edit": gettext_lazy("Only the person who wrote this request can edit it."),
    "submit": gettext_lazy("Only the person who wrote this request can submit it."),
    "withdraw": gettext_lazy("Only the person who wrote this request can withdraw it."),
}
_COMMENT_NEEDED = {
    "reject": gettext_lazy("Write a comment to reject this request: the requester needs to know why."),
    "ask for changes on": gettext_lazy(
        "Write a comment to ask for changes on this request: the requester needs to know why."
    ),
}
_ONLY_DISTRICT_ADMIN = {
    "draft": gettext_lazy("Only a district admin can draft a policy version."),
    "publish": gettext_lazy("Only a district admin can publish a policy version."),
    "retire": gettext_lazy("Only a district admin can retire a policy version."),
}


def _state_refusal(locked: AccountRequest, doing: str) -> WorkflowError:
    """Why `doing` is impossible in the request's current state, in words for the user."""
    who = locked.decided_by.short_name if locked.decided_by_id else _("someone")
    when = _when(locked.decided_at) if locked.decided_at else ""
    if locked.status == Status.DRAFT:
        reason = _("it has not been submitted yet")
    elif locked.status == Status.SUBMITTED:
        reason = _("it is waiting for a decision")
    elif locked.status == Status.CHANGES_REQUESTED:
        reason = _("%(who)s asked for changes on %(when)s and it is back with the requester") % {
            "who": who,
            "when": when,
        }
    elif locked.status == Status.APPROVED:
        reason = _("it was already approved by %(who)s on %(when)s") % {"who": who, "when": when}
    elif locked.status == Status.REJECTED:
        reason = _("it was already rejected by %(who)s on %(when)s") % {"who": who, "when": when}
    else:
        reason = _("it was withdrawn by the requester")
    return WorkflowError(str(_CANNOT[doing]) % {"title": locked.title, "reason": reason})


def _move(locked: AccountRequest, *, allowed: Iterable[str], to: str, doing: str, **fields: Any) -> AccountRequest:
    """Change the status only if it is still one of `allowed` (see the module docstring)."""
    allowed = tuple(allowed)
    if locked.status not in allowed:
        raise _state_refusal(locked, doing)
    changed = AccountRequest.objects.filter(pk=locked.pk, status__in=allowed).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if changed != 1:
        locked.refresh_from_db()
        raise _state_refusal(locked, doing)
    locked.refresh_from_db()
    return locked


def _require_requester(locked: AccountRequest, user: User, doing: str) -> None:
    if locked.requester_id != user.pk:
        raise NotPermitted(str(_ONLY_REQUESTER[doing]))


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {}
    for name in rules.REQUEST_FIELDS:
        if name not in values:
            continue
        value = values[name]
        cleaned[name] = value.strip() if isinstance(value, str) else value
        if cleaned[name] is None and name not in ("org_unit", "platform"):
            cleaned[name] = ""
    if "school_based" in cleaned:
        cleaned["school_based"] = bool(cleaned["school_based"])
    return cleaned


def _check_draft(requester: User, values: Mapping[str, Any]) -> None:
    problems = rules.draft_problems(requester=requester, values=values)
    if problems:
        raise WorkflowError(" ".join(problems.values()), problems=problems)


def _wording_read(statement: PolicyVersion, language: str | None) -> tuple[str, str]:
    """(text, language code) of the wording a requester reading in `language` was shown (issue 17):
    the French wording when French was active and the district wrote one, else the English (§1.2.3)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        text = localized(statement, "wording")
    return text, (language if text != statement.wording else settings.LANGUAGE_CODE)


def _detail_url(locked: AccountRequest) -> str:
    return reverse("approvals:detail", args=[locked.pk])


# --- Writing the request -----------------------------------------------------------------------------


@transaction.atomic
def create_draft(*, requester: User, values: Mapping[str, Any], acknowledged: Iterable[str] = ()) -> AccountRequest:
    """Start a request as a draft.

    Who: an employee of `values["org_unit"]`. A draft may be incomplete, but what it holds must be
    allowed (approved platform §1.4.7, district e-mail §1.1.1, valid link §1.2.4).
    `acknowledged`: the statement codes ticked so far (kept with their versions until submission).
    Side effects: one audit event (request.created); nobody is notified.
    """
    cleaned = _clean_values(values)
    _check_draft(requester, cleaned)
    account_request = AccountRequest.objects.create(
        requester=requester,
        status=Status.DRAFT,
        draft_acknowledgements=rules.current_versions(acknowledged),
        **cleaned,
    )
    record_event(actor=requester, action="request.created", target=account_request, org_unit=account_request.org_unit)
    return account_request


@transaction.atomic
def update_draft(
    *,
    account_request: AccountRequest | int,
    user: User,
    values: Mapping[str, Any],
    acknowledged: Iterable[str] | None = None,
) -> AccountRequest:
    """Change a draft, or a request sent back for changes (its state stays the same).

    Who: the requester only. From: draft or changes_requested.
    `acknowledged`: the statement codes now ticked (None leaves them as they were).
    Side effects: one audit event (request.updated, with the names of the changed fields) when
    something changed; none when nothing did. Nobody is notified.
    """
    locked = _lock(account_request)
    _require_requester(locked, user, "edit")
    if not locked.is_editable:
        raise _state_refusal(locked, "edit")
    cleaned = _clean_values(values)
    merged = {**rules.values_of(locked), **cleaned}
    _check_draft(user, merged)
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if acknowledged is not None:
        ticked = rules.current_versions(acknowledged)
        if ticked != locked.draft_acknowledgements:
            locked.draft_acknowledgements = ticked
            changed.append("acknowledgements")
    if changed:
        locked.save()
        record_event(
            actor=user,
            action="request.updated",
            target=locked,
            org_unit=locked.org_unit,
            details={"fields": changed, "status": locked.status},
        )
    return locked


# --- Transitions -------------------------------------------------------------------------------------


@transaction.atomic
def submit_request(
    *,
    account_request: AccountRequest | int,
    user: User,
    acknowledged: Iterable[str] | None = None,
    language: str | None = None,
) -> AccountRequest:
    """Send a complete request to the unit's principal or supervisor (§1.2.3, §1.4.6).

    Who: the requester only. From: draft or changes_requested. To: submitted.
    Checks every rule of approvals.rules.submission_problems, including one tick per active policy
    version (`acknowledged`, or the ticks saved with the draft when None).
    Side effects: one Acknowledgement row per active statement, with its version and a copy of its
    wording as the requester read it (kept when already given by the same person for the same version,
    renewed when the wording or the person changed); `language` is the language the form was shown in
    (the active one when None): the French wording is recorded, with its language, when the requester
    read it in French (issue 17); one
    audit event (request.submitted, with the statement versions); one notification to each person
    who may decide it (the unit's approvers other than the requester, else the district admins).
    """
    locked = _lock(account_request)
    _require_requester(locked, user, "submit")
    if not locked.is_editable:
        raise _state_refusal(locked, "submit")
    statements = active_statements()
    if acknowledged is not None:
        locked.draft_acknowledgements = rules.current_versions(acknowledged, statements)
        locked.save(update_fields=["draft_acknowledgements", "updated_at"])
    problems = rules.submission_problems(
        requester=locked.requester,
        values=rules.values_of(locked),
        acknowledged=locked.draft_acknowledgements,
        statements=statements,
    )
    if problems:
        field_messages = [m for f, m in problems.items() if not f.startswith("ack_")]
        missing_ticks = len(problems) - len(field_messages)
        if missing_ticks:
            field_messages.append(
                ngettext(
                    "Tick the %(count)s statement still open.",
                    "Tick the %(count)s statements still open.",
                    missing_ticks,
                )
                % {"count": missing_ticks}
            )
        raise WorkflowError(
            " ".join([_("This request is not ready to submit."), *map(str, field_messages)]), problems=problems
        )

    now = timezone.now()
    existing = {a.statement: a for a in locked.acknowledgements.all()}
    for statement in statements:
        text, text_language = _wording_read(statement, language)
        ack = existing.get(statement.code)
        if ack is None:
            Acknowledgement.objects.create(
                request=locked,
                statement=statement.code,
                statement_version=statement.version,
                statement_text=text,
                statement_language=text_language,
                acknowledged_by=user,
            )
        elif ack.statement_version != statement.version or ack.acknowledged_by_id != user.pk:
            # A new wording, or a new requester (a reassigned request): the person submitting acknowledges.
            Acknowledgement.objects.filter(pk=ack.pk).update(
                statement_version=statement.version,
                statement_text=text,
                statement_language=text_language,
                acknowledged_by=user,
                acknowledged_at=now,
            )

    resubmission = locked.status == Status.CHANGES_REQUESTED
    locked = _move(
        locked,
        allowed=AccountRequest.EDITABLE_STATES,
        to=Status.SUBMITTED,
        doing="submit",
        submitted_at=now,
        decided_by=None,
        decided_at=None,
        decision_comment="",
    )
    record_event(
        actor=user,
        action="request.submitted",
        target=locked,
        org_unit=locked.org_unit,
        details={"resubmission": resubmission, "acknowledgements": {s.code: s.version for s in statements}},
    )
    url = reverse("approvals:decide", args=[locked.pk])
    for decider in deciders_for(locked):
        notify(
            recipient=decider,
            kind="request.submitted",
            context={"request": locked, "resubmission": resubmission},
            url=url,
        )
    return locked


def _decide(
    *,
    account_request: AccountRequest | int,
    user: User,
    to: str,
    action: str,
    doing: str,
    comment: str,
    comment_required: bool,
) -> AccountRequest:
    locked = _lock(account_request)
    # The rule is selectors.is_decider_for (the queue and the pages ask it too); here we only say why.
    if not is_decider_for(user, locked):
        if locked.requester_id == user.pk:
            # AP 1311 §1.4.6: approval comes from someone else, even when the requester approves for the unit.
            raise NotPermitted(
                _(
                    "You cannot decide your own request (AP 1311 §1.4.6): another approver of the unit or a "
                    "district admin decides it."
                )
            )
        raise NotPermitted(
            _("Only a principal or supervisor of %(unit)s can decide this request.") % {"unit": locked.org_unit}
        )
    if locked.status != Status.SUBMITTED:
        raise _state_refusal(locked, doing)
    comment = (comment or "").strip()
    if comment_required and not comment:
        raise WorkflowError(str(_COMMENT_NEEDED[doing]))
    if to == Status.APPROVED and not locked.platform.is_approved:
        # AP 1311 §1.4.7: the platform lost its district approval after the request was submitted.
        raise WorkflowError(
            _("%(platform)s is no longer a district-approved platform (AP 1311 §1.4.7): ask for changes or reject.")
            % {"platform": locked.platform}
        )
    now = timezone.now()
    locked = _move(
        locked,
        allowed=[Status.SUBMITTED],
        to=to,
        doing=doing,
        decided_by=user,
        decided_at=now,
        decision_comment=comment,
    )
    details = {"comment": comment} if comment else {}
    record_event(actor=user, action=action, target=locked, org_unit=locked.org_unit, details=details)
    return locked


@transaction.atomic
def approve_request(*, account_request: AccountRequest | int, user: User, comment: str = "") -> AccountRequest:
    """Approve a submitted request (§1.4.6): the requester may now set up and register the account.

    Who: an approver of the request's unit or a district admin, never the requester.
    From: submitted. To: approved. The platform must still be district-approved (§1.4.7).
    Side effects: one audit event (request.approved); one notification to the requester.
    """
    locked = _decide(
        account_request=account_request,
        user=user,
        to=Status.APPROVED,
        action="request.approved",
        doing="approve",
        comment=comment,
        comment_required=False,
    )
    notify(
        recipient=locked.requester,
        kind="request.approved",
        context={"request": locked, "decider": user},
        url=_detail_url(locked),
    )
    return locked


@transaction.atomic
def reject_request(*, account_request: AccountRequest | int, user: User, comment: str) -> AccountRequest:
    """Reject a submitted request. The comment (why) is required.

    Who: an approver of the request's unit or a district admin, never the requester.
    From: submitted. To: rejected (final).
    Side effects: one audit event (request.rejected, with the comment); one notification to the requester.
    """
    locked = _decide(
        account_request=account_request,
        user=user,
        to=Status.REJECTED,
        action="request.rejected",
        doing="reject",
        comment=comment,
        comment_required=True,
    )
    notify(
        recipient=locked.requester,
        kind="request.rejected",
        context={"request": locked, "decider": user},
        url=_detail_url(locked),
    )
    return locked


@transaction.atomic
def request_changes(*, account_request: AccountRequest | int, user: User, comment: str) -> AccountRequest:
    """Send a submitted request back to the requester with what to change. The comment is required.

    Who: an approver of the request's unit or a district admin, never the requester.
    From: submitted. To: changes_requested (the requester edits and submits again).
    Side effects: one audit event (request.changes_requested, with the comment); one notification
    to the requester.
    """
    locked = _decide(
        account_request=account_request,
        user=user,
        to=Status.CHANGES_REQUESTED,
        action="request.changes_requested",
        doing="ask for changes on",
        comment=comment,
        comment_required=True,
    )
    notify(
        recipient=locked.requester,
        kind="request.changes_requested",
        context={"request": locked, "decider": user},
        url=_detail_url(locked),
    )
    return locked


@transaction.atomic
def withdraw_request(*, account_request: AccountRequest | int, user: User, reason: str = "") -> AccountRequest:
    """The requester withdraws a request before it is decided.

    Who: the requester only. From: draft, submitted or changes_requested. To: withdrawn (final).
    Side effects: one audit event (request.withdrawn, with the reason if given); when the request
    had reached the approvers (submitted or changes requested), one notification to each person
    who may decide it, so nobody keeps waiting for it. A draft's withdrawal notifies nobody.
    """
    locked = _lock(account_request)
    _require_requester(locked, user, "withdraw")
    was_seen = locked.status in (Status.SUBMITTED, Status.CHANGES_REQUESTED)
    locked = _move(locked, allowed=AccountRequest.WITHDRAWABLE_STATES, to=Status.WITHDRAWN, doing="withdraw")
    reason = (reason or "").strip()
    record_event(
        actor=user,
        action="request.withdrawn",
        target=locked,
        org_unit=locked.org_unit,
        details={"reason": reason} if reason else {},
    )
    if was_seen:
        for decider in deciders_for(locked):
            notify(
                recipient=decider,
                kind="request.withdrawn",
                context={"request": locked, "requester": user, "reason": reason},
                url=_detail_url(locked),
            )
    return locked


@transaction.atomic
def withdraw_request_of_departed(*, account_request: AccountRequest | int, user: User, reason: str) -> AccountRequest:
    """Withdraw, on the requester's behalf, a request its requester left open when they left the unit
    (offboarding, issue 15): nobody is left to set the account up.

    Who: the unit's approvers and district admins (`is_decider_for`, the requester excepted), and only
    while the requester is no longer active staff of the unit. From: draft, submitted or changes_requested.
    To: withdrawn. Side effects: one audit event (request.withdrawn, with `on_behalf_of`).
    """
    locked = _lock(account_request)
    requester = _departed_requester(locked, user, "withdraw")
    locked = _move(locked, allowed=AccountRequest.WITHDRAWABLE_STATES, to=Status.WITHDRAWN, doing="withdraw")
    record_event(
        actor=user,
        action="request.withdrawn",
        target=locked,
        org_unit=locked.org_unit,
        details={"reason": (reason or "").strip()[:500], "on_behalf_of": requester.email},
    )
    return locked


def _departed_refusals(doing: str) -> tuple[str, str]:
    """Why `doing` ("withdraw" or "reassign") a departed person's request is refused: not a decider,
    or the requester has not left (whole sentences per verb, for translation)."""
    if doing == "withdraw":
        return (
            _("Only the unit's principal or supervisor can withdraw a departed person's request."),
            _("%(person)s is still staff of %(unit)s: they withdraw it themselves."),
        )
    return (
        _("Only the unit's principal or supervisor can reassign a departed person's request."),
        _("%(person)s is still staff of %(unit)s: they reassign it themselves."),
    )


def _departed_requester(locked: AccountRequest, user: User, doing: str) -> User:
    """The requester, refused unless they left the unit and `user` decides for it (offboarding, issue 15)."""
    not_decider, still_staff = _departed_refusals(doing)
    if locked.requester_id == user.pk or not is_decider_for(user, locked):
        raise NotPermitted(not_decider)
    requester = locked.requester
    if requester.is_active and Membership.objects.filter(user=requester, org_unit_id=locked.org_unit_id).exists():
        raise WorkflowError(still_staff % {"person": requester.short_name, "unit": locked.org_unit})
    return requester


@transaction.atomic
def reassign_request_of_departed(
    *, account_request: AccountRequest | int, user: User, new_requester: User, reason: str = ""
) -> AccountRequest:
    """Give a request its requester left open to a colleague of the unit, who carries it on (offboarding,
    issue 15): the alternative to withdrawing it when the account is still wanted.

    Who: the unit's approvers and district admins (`is_decider_for`, the requester excepted), and only
    while the requester is no longer active staff of the unit; the new requester is active staff of it.
    From: draft, submitted or changes_requested. To: draft stays draft; a submitted request goes back to
    the new requester as changes_requested, since the statements are acknowledged by the person who will
    run the account (§1.2.3): they tick them and submit it again. Side effects: one audit event
    (request.reassigned, with `from` and `to`); the new requester is told.
    """
    locked = _lock(account_request)
    previous = _departed_requester(locked, user, "reassign")
    if not (
        new_requester.is_active
        and new_requester.pk != previous.pk
        and Membership.objects.filter(user=new_requester, org_unit_id=locked.org_unit_id).exists()
    ):
        raise WorkflowError(
            _("%(person)s is not active staff of %(unit)s: choose a colleague.")
            % {"person": new_requester.short_name, "unit": locked.org_unit}
        )
    if locked.status not in AccountRequest.WITHDRAWABLE_STATES:
        raise _state_refusal(locked, "reassign")
    reason = (reason or "").strip()[:500]
    to = Status.DRAFT if locked.status == Status.DRAFT else Status.CHANGES_REQUESTED
    fields: dict[str, Any] = {"requester": new_requester, "draft_acknowledgements": {}}
    if to == Status.CHANGES_REQUESTED:
        with override_for(new_requester):  # the colleague reads it, in their language
            comment = _("Reassigned from %(person)s, who left: check the request, tick the statements, submit.") % {
                "person": previous.short_name
            }
        fields.update(decided_by=user, decided_at=timezone.now(), decision_comment=comment)
    locked = _move(locked, allowed=AccountRequest.WITHDRAWABLE_STATES, to=to, doing="reassign", **fields)
    record_event(
        actor=user,
        action="request.reassigned",
        target=locked,
        org_unit=locked.org_unit,
        details={"from": previous.email, "to": new_requester.email, "status": to, "reason": reason},
    )
    notify(
        recipient=new_requester,
        kind="request.reassigned",
        context={"request": locked, "previous": previous, "decider": user, "reason": reason},
        url=reverse("approvals:edit", args=[locked.pk]),
    )
    return locked


# --- Policy versions: the statements requesters acknowledge (§1.2.3) ----------------------------------


def _require_district_admin(user: User, doing: str) -> None:
    if not (user.is_active and user.is_district_admin):
        raise NotPermitted(str(_ONLY_DISTRICT_ADMIN[doing]))


def _lock_version(policy_version: PolicyVersion | int) -> PolicyVersion:
    pk = policy_version.pk if isinstance(policy_version, PolicyVersion) else policy_version
    return PolicyVersion.objects.select_for_update().get(pk=pk)


def _next_version(version: str, taken: set[str]) -> str:
    """ "2026-1" → "2026-2" (the trailing number counts up), skipping versions the statement already has."""
    match = re.fullmatch(r"(.*?)(\d+)", version)
    stem, number = (match.group(1), int(match.group(2))) if match else (f"{version}.", 0)
    candidate = f"{stem}{number + 1}"
    while candidate in taken:
        number += 1
        candidate = f"{stem}{number + 1}"
    return candidate


@transaction.atomic
def draft_policy_version(*, based_on: PolicyVersion | int, user: User) -> PolicyVersion:
    """Start a new wording of a statement as a draft, copied from `based_on`, with the next version.

    Who: a district admin. The draft is edited in the admin and asked of nobody until it is published.
    Side effects: one audit event (policy.drafted).
    """
    _require_district_admin(user, "draft")
    source = _lock_version(based_on)
    taken = set(PolicyVersion.objects.filter(code=source.code).values_list("version", flat=True))
    draft = PolicyVersion.objects.create(
        code=source.code,
        clause=source.clause,
        version=_next_version(source.version, taken),
        wording=source.wording,
        why=source.why,
        wording_fr=source.wording_fr,
        why_fr=source.why_fr,
        position=source.position,
    )
    record_event(
        actor=user,
        action="policy.drafted",
        target=draft,
        details={"code": draft.code, "version": draft.version, "based_on": source.version},
    )
    return draft


@transaction.atomic
def publish_policy_version(*, policy_version: PolicyVersion | int, user: User) -> PolicyVersion:
    """Make a draft wording the one requesters acknowledge from now on (§1.2.3).

    Who: a district admin. From: draft. To: published and active. The statement's previously active
    version stays published (and provable) but is no longer asked. Acknowledgements already given
    keep their own version and wording; requests not yet submitted need a new tick for the new wording.
    Side effects: one audit event (policy.published, with the version it replaces).
    """
    _require_district_admin(user, "publish")
    locked = _lock_version(policy_version)
    if locked.is_published:
        raise WorkflowError(
            _("%(version)s is already published; its wording can no longer change.") % {"version": locked}
        )
    if not locked.wording.strip():
        raise WorkflowError(_("Write the wording of %(version)s before publishing it.") % {"version": locked})
    previous = list(PolicyVersion.objects.select_for_update().filter(code=locked.code, is_active=True))
    # The old version steps down first: one active version per statement (a database constraint).
    PolicyVersion.objects.filter(pk__in=[p.pk for p in previous]).update(is_active=False)
    PolicyVersion.objects.filter(pk=locked.pk).update(published_at=timezone.now(), published_by=user, is_active=True)
    locked.refresh_from_db()
    record_event(
        actor=user,
        action="policy.published",
        target=locked,
        details={
            "code": locked.code,
            "clause": locked.clause,
            "version": locked.version,
            "replaces": previous[0].version if previous else "",
        },
    )
    return locked


@transaction.atomic
def retire_policy_version(*, policy_version: PolicyVersion | int, user: User) -> PolicyVersion:
    """Stop asking a statement on new requests (its versions and the acknowledgements given stay).

    Who: a district admin. From: active. To: published, not active.
    Side effects: one audit event (policy.retired).
    """
    _require_district_admin(user, "retire")
    locked = _lock_version(policy_version)
    if not locked.is_active:
        raise WorkflowError(
            _("%(version)s is not the version being asked, so there is nothing to retire.") % {"version": locked}
        )
    PolicyVersion.objects.filter(pk=locked.pk).update(is_active=False)
    locked.refresh_from_db()
    record_event(
        actor=user, action="policy.retired", target=locked, details={"code": locked.code, "version": locked.version}
    )
    return locked
