"""The machinery of reminder sweeps: periodic jobs that find what is due and create notifications.

Each app keeps its own sweeps next to the rules they apply, in its `sweeps.py`, registered with
the `@sweep("name")` decorator (approvals: pending approvals; registry: reviews; moderation:
comment check-ins; outreach: inquiries, events, attestations). This module only runs them by name
(`run_sweep`, the `run_sweep` command and the `notifications.tasks.run_sweep` Celery task) and
delivers what they planned; it imports none of them (they are discovered like admin modules).

Every sweep is safe to run twice, late, or on two workers at once: each reminder carries a
dedupe key of (reason, person, district-local day or week), and the outbox's unique constraint
lets only one row exist per key. A sweep computes "today" in the district's TIME_ZONE, so a
daylight-saving change or a worker that was down overnight neither skips nor doubles a day: a
late run finds the same key and catches up once.

Algorithm of a sweep:
1. Find what is due with a bounded number of queries (no query per account).
2. Group it per recipient: one message per person listing everything due, not one per item.
3. For each recipient, plan one notification (`Planned.of`: kind, context, dedupe key; rendered from
   the kind's templates in the recipient's language when needed); in dry-run mode, only collect what
   would be sent.
4. `deliver` creates the notifications in batches (a fixed number of queries per batch of 1,000, one
   broker task per batch) and records a SweepRun with the counts, for district admins.
   Each planned reminder ends with an outcome: new (created now), already sent (its dedupe key was
   used by an earlier run, which is named), or skipped with the reason (the person's account is
   inactive). A dry run says "would send" instead of "new".
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from accounts.models import Membership, User
from core.i18n import language_of, override_for

from .models import Notification, SweepRun
from .services import build_notification, create_notification, enqueue_emails, insert_deduplicated, render_notification

logger = logging.getLogger(__name__)


class Planned:
    """One notification a sweep intends to create: for whom, its kind, context, link and dedupe key.

    Its text is rendered when first asked for (`subject`, `body`), in the recipient's language
    (issue 17), so a run renders only the reminders it creates, not those whose dedupe key an
    earlier run already used (issue 19); a dry run still shows every subject. Text given at
    construction (`subject=`, `body=`) is used as it is.
    """

    __slots__ = ("recipient", "kind", "context", "url", "dedupe_key", "outcome", "detail", "_text")

    def __init__(
        self,
        *,
        recipient: User,
        kind: str,
        url: str = "",
        dedupe_key: str = "",
        context: Mapping[str, Any] | None = None,
        subject: str | None = None,
        body: str | None = None,
    ):
        self.recipient, self.kind, self.url, self.dedupe_key = recipient, kind, url, dedupe_key
        self.context = context or {}
        self.outcome = ""  # NEW, ALREADY_SENT, SKIPPED or WOULD_SEND, once delivered
        self.detail = ""  # which earlier notification, or why it was skipped
        self._text = None if subject is None else (subject, body or "")

    @classmethod
    def of(cls, *, recipient: User, kind: str, context: Mapping[str, Any], url: str, dedupe_key: str) -> "Planned":
        return cls(recipient=recipient, kind=kind, context=context, url=url, dedupe_key=dedupe_key)

    def rendered(self, memo: dict | None = None) -> tuple[str, str]:
        """Subject and body. With `memo` (one deliver call's), reminders of the same kind that share
        one context object (a sweep asking everyone the same thing) are rendered once per language:
        the templates see only the context, never the recipient."""
        if self._text is None:
            if memo is None:
                self._text = render_notification(self.kind, self.context, recipient=self.recipient)
            else:
                key = (self.kind, id(self.context), language_of(self.recipient))
                if key not in memo:
                    memo[key] = render_notification(self.kind, self.context, recipient=self.recipient)
                self._text = memo[key]
        return self._text

    @property
    def subject(self) -> str:
        return self.rendered()[0]

    @property
    def body(self) -> str:
        return self.rendered()[1]

    def __repr__(self) -> str:
        return f"Planned({self.kind!r}, {self.recipient.email!r}, {self.dedupe_key!r}, {self.outcome!r})"


@dataclass
class SweepResult:
    name: str
    day: date
    planned: list[Planned] = field(default_factory=list)
    created: int = 0
    counts: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """One line per planned reminder: what happened to it, for whom, and its subject."""
        lines = []
        for p in self.planned:
            outcome = f"{p.outcome} ({p.detail})" if p.detail else p.outcome or "planned"
            lines.append(f"{outcome}: {p.recipient.email}: {p.subject}")
        return lines

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.planned if p.outcome == outcome)

    def summary(self) -> dict:
        return {
            "planned": len(self.planned),
            "created": self.created,
            "already_sent": self.count(ALREADY_SENT),
            "skipped": self.count(SKIPPED),
        }


NEW, ALREADY_SENT, SKIPPED, WOULD_SEND = "new", "already sent", "skipped", "would send"


Planner = Callable[[date], SweepResult]
_SWEEPS: dict[str, Planner] = {}


def sweep(name: str) -> Callable[[Planner], Planner]:
    """Register `plan(day) -> SweepResult` as the sweep `name` (used in each app's sweeps.py)."""

    def register(plan: Planner) -> Planner:
        _SWEEPS[name] = plan
        return plan

    return register


def registered_sweeps() -> dict[str, Planner]:
    """Every sweep of every installed app, by name."""
    autodiscover_modules("sweeps")
    return dict(sorted(_SWEEPS.items()))


def district_today() -> date:
    """Today in the district's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def local_midnight(day: date) -> datetime:
    """The aware start of a district-local day (DST-safe: built from the date, not by adding hours)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def moment_of(day: date) -> datetime:
    """For sweeps that work to the minute: now for today, else noon of the given district day."""
    return timezone.now() if day == district_today() else local_midnight(day) + timedelta(hours=12)


# Reminders written per statement: one read of the keys already used, one INSERT, one read-back, and
# after commit one task on the broker. A sweep over 60,000 accounts makes about 60 batches (issue 19).
BATCH_SIZE = 1000


def deliver(result: SweepResult, *, dry_run: bool) -> SweepResult:
    """Create the planned notifications (unless dry-run), give each its outcome, record the run.

    In batches of BATCH_SIZE, with a number of queries that does not grow with the recipients
    (issue 19): the batch's dedupe keys already used are read in one query (ALREADY_SENT, naming the
    earlier notification); only the others are rendered, then inserted in one statement with conflicts
    on the dedupe key ignored, and read back: a key taken meanwhile by a run at the same moment is
    ALREADY_SENT "by a concurrent run", the rest NEW. After commit, each batch's e-mails go to the
    broker as one task (notifications.tasks.send_notification_emails).
    """
    with transaction.atomic():
        run = SweepRun.objects.create(name=result.name, for_date=result.day, dry_run=dry_run)
        seen: set[str] = set()
        memo: dict = {}  # the planned items hold their contexts until the end: ids stay unique
        for start in range(0, len(result.planned), BATCH_SIZE):
            _deliver_batch(result, result.planned[start : start + BATCH_SIZE], run, seen, memo, dry_run=dry_run)
        run.finished_at = timezone.now()
        run.counts = {**result.counts, **result.summary()}
        SweepRun.objects.filter(pk=run.pk).update(finished_at=run.finished_at, counts=run.counts)
    summary = result.summary()
    logger.info(
        "Sweep %s for %s: %s planned, %s new, %s already sent, %s skipped%s",
        result.name,
        result.day,
        summary["planned"],
        summary["created"],
        summary["already_sent"],
        summary["skipped"],
        " (dry run)" if dry_run else "",
    )
    return result


def _deliver_batch(
    result: SweepResult, batch: list[Planned], run: SweepRun, seen: set[str], memo: dict, *, dry_run: bool
) -> None:
    earlier = _earlier_notifications(batch)
    to_create: list[Planned] = []
    for p in batch:
        if not p.recipient.is_active:
            p.outcome, p.detail = SKIPPED, "account inactive"
        elif p.dedupe_key in earlier:
            p.outcome, p.detail = ALREADY_SENT, earlier[p.dedupe_key]
        elif p.dedupe_key in seen:
            p.outcome, p.detail = ALREADY_SENT, "planned twice in this run"
        elif dry_run:
            p.outcome = WOULD_SEND
        elif not p.dedupe_key:  # not a reminder of a sweep's kind; kept for completeness
            created = create_notification(recipient=p.recipient, kind=p.kind, subject=p.subject, body=p.body, url=p.url)
            p.outcome = NEW
            result.created += created is not None
        else:
            to_create.append(p)
        if p.dedupe_key:
            seen.add(p.dedupe_key)
    if not to_create:
        return
    rows = []
    for p in to_create:
        subject, body = p.rendered(memo)
        rows.append(
            build_notification(
                recipient=p.recipient, kind=p.kind, subject=subject, body=body, url=p.url, dedupe_key=p.dedupe_key
            )
        )
    stored = insert_deduplicated(rows, sweep_run=run)
    created_ids = []
    for p in to_create:
        pk, ours = stored[p.dedupe_key]
        if ours:
            p.outcome, p.detail = NEW, ""
            created_ids.append(pk)
        else:  # a run at the same moment created it first (the unique dedupe key)
            p.outcome, p.detail = ALREADY_SENT, "by a concurrent run"
    result.created += len(created_ids)
    if created_ids:
        transaction.on_commit(lambda: enqueue_emails(created_ids))


def _earlier_notifications(planned: list[Planned]) -> dict[str, str]:
    """dedupe key → the earlier notification that used it ("notification 12 of 2026-11-28 07:30, e-mail sent")."""
    keys = [p.dedupe_key for p in planned if p.dedupe_key]
    if not keys:
        return {}
    found = {}
    for key, pk, created_at, status in Notification.objects.filter(dedupe_key__in=keys).values_list(
        "dedupe_key", "pk", "created_at", "email_status"
    ):
        when = timezone.localtime(created_at).strftime("%Y-%m-%d %H:%M")
        found[key] = f"notification {pk} of {when}, e-mail {Notification.EmailStatus(status).label.lower()}"
    return found


def run_sweep(name: str, *, day: date | None = None, dry_run: bool = False) -> SweepResult:
    sweeps = registered_sweeps()
    if name not in sweeps:
        raise KeyError(f"Unknown sweep {name!r}; known: {', '.join(sweeps)}")
    return deliver(sweeps[name](day or district_today()), dry_run=dry_run)


# --- Helpers the apps' sweeps share -----------------------------------------------------------------


def approvers_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active approvers of the given units, in one query."""
    result: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(
        org_unit_id__in=list(unit_ids), role=Membership.Role.APPROVER, user__is_active=True
    ).select_related("user"):
        result[m.org_unit_id].append(m.user)
    return result


def district_admins() -> list[User]:
    return list(User.objects.filter(is_district_admin=True, is_active=True))


def previous_run_day(name: str, day: date) -> date | None:
    """The district day of the sweep's last real (not dry) run before `day`, if any."""
    return (
        SweepRun.objects.filter(name=name, dry_run=False, for_date__lt=day)
        .order_by("-for_date")
        .values_list("for_date", flat=True)
        .first()
    )


def plan_escalation(
    result: SweepResult,
    flagged: Iterable,
    day: date,
    *,
    kind: str,
    context: Mapping[str, Any],
    describe: Callable[[Any], str],
    url: str | Callable[[list], str],
    is_new: Callable[[Any], bool] = lambda item: True,
) -> None:
    """Tell the approvers of their unit (district admins when the unit has none) about flagged accounts.

    One message per person and district day at most (dedupe key: kind, person, day), and only when
    1. one of their accounts is newly flagged (`is_new`: flagged now but not at the sweep's previous
       run), so a new flag reaches the approver the next morning at the latest, whatever the weekday; or
    2. they have had no message of this kind yet this ISO week: the weekly summary of everything
       still flagged.
    Each message lists every flagged account of the person, the new ones first. The kind's templates
    receive `items`, `new_items` and `other_items` (lists of (account, description) pairs) beside
    `context`. `url` is the link of the message, or a function of the person's accounts giving it.
    """
    flagged = list(flagged)
    approvers = approvers_by_unit({e.org_unit_id for e in flagged})
    admins = district_admins()
    per_person: dict[User, list] = defaultdict(list)
    for e in flagged:
        for user in approvers.get(e.org_unit_id) or admins:
            per_person[user].append(e)
    heard = _heard_this_week(kind, [u.pk for u in per_person], day)
    for user, items in per_person.items():
        new = [e for e in items if is_new(e)]
        if not new and user.pk in heard:
            continue
        other = [e for e in items if e not in new]
        with override_for(user):  # each account's description in the recipient's language (issue 17)
            described = {e.pk: describe(e) for e in items}
        result.planned.append(
            Planned.of(
                recipient=user,
                kind=kind,
                context={
                    **context,
                    "items": [(e, described[e.pk]) for e in new + other],
                    "new_items": [(e, described[e.pk]) for e in new],
                    "other_items": [(e, described[e.pk]) for e in other],
                },
                url=url(items) if callable(url) else url,
                dedupe_key=f"{kind}:{user.pk}:{day.isoformat()}",
            )
        )


def _heard_this_week(kind: str, user_ids: list[int], day: date) -> set[int]:
    """Who already has a message of `kind` for an earlier day of `day`'s ISO week (one query)."""
    monday = day - timedelta(days=day.weekday())
    year, week, _ = day.isocalendar()
    keys = {
        f"{kind}:{pk}:{(monday + timedelta(days=n)).isoformat()}": pk
        for pk in user_ids
        for n in range((day - monday).days)
    }
    # The weekly key of earlier releases counts too, so the week of an upgrade sends no second summary.
    keys.update({f"{kind}:{pk}:{year}-W{week:02d}": pk for pk in user_ids})
    found = Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True)
    return {keys[key] for key in found}
