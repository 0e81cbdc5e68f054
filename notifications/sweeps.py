"""Reminder sweeps: periodic jobs that find what is due and create notifications for it.

Every sweep is safe to run twice, late, or on two workers at once: each reminder carries a
dedupe key of (reason, person, district-local day), and the outbox's unique constraint lets only
one row exist per key. A sweep computes "today" in the district's TIME_ZONE, so a daylight-saving
change or a worker that was down overnight neither skips nor doubles a day: a late run finds
the same key and catches up once.

Algorithm of a sweep (the registry of sweeps is SWEEPS at the bottom):
1. Find what is due with a bounded number of queries (no query per account).
2. Group it per recipient: one message per person listing everything due, not one per item.
3. For each recipient, notify(..., dedupe_key=f"{reason}:{user_id}:{day}"); in dry-run mode,
   only collect what would be sent.
4. Record a SweepRun with the counts, visible to district admins.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, User

from .models import SweepRun
from .services import notify

logger = logging.getLogger(__name__)


@dataclass
class Planned:
    recipient: User
    kind: str
    subject: str
    body: str
    url: str
    dedupe_key: str


@dataclass
class SweepResult:
    name: str
    day: date
    planned: list[Planned] = field(default_factory=list)
    created: int = 0
    counts: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{p.recipient.email}: {p.subject}" for p in self.planned]


def district_today() -> date:
    """Today in the district's time zone (settings.TIME_ZONE)."""
    return timezone.localdate()


def local_midnight(day: date) -> datetime:
    """The aware start of a district-local day (DST-safe: built from the date, not by adding hours)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def deliver(result: SweepResult, *, dry_run: bool) -> SweepResult:
    """Create the planned notifications (unless dry-run) and record the run."""
    with transaction.atomic():
        if not dry_run:
            for p in result.planned:
                created = notify(
                    recipient=p.recipient,
                    kind=p.kind,
                    subject=p.subject,
                    body=p.body,
                    url=p.url,
                    dedupe_key=p.dedupe_key,
                )
                result.created += created is not None
        SweepRun.objects.create(
            name=result.name,
            for_date=result.day,
            dry_run=dry_run,
            finished_at=timezone.now(),
            counts={**result.counts, "planned": len(result.planned), "created": result.created},
        )
    logger.info(
        "Sweep %s for %s: %s planned, %s created%s",
        result.name,
        result.day,
        len(result.planned),
        result.created,
        " (dry run)" if dry_run else "",
    )
    return result


# --- Pending approvals (§1.4.6) -------------------------------------------------------------------


def approvers_by_unit(unit_ids) -> dict[int, list[User]]:
    """Active approvers of the given units, in one query."""
    result: dict[int, list[User]] = defaultdict(list)
    for m in Membership.objects.filter(
        org_unit_id__in=list(unit_ids), role=Membership.Role.APPROVER, user__is_active=True
    ).select_related("user"):
        result[m.org_unit_id].append(m.user)
    return result


def plan_pending_approvals(day: date) -> SweepResult:
    """Approvers of requests waiting longer than N days get one daily digest."""
    from approvals.models import AccountRequest

    days = settings.PORTAL["PENDING_APPROVAL_REMINDER_DAYS"]
    cutoff = local_midnight(day - timedelta(days=days - 1)) if days > 0 else timezone.now()
    waiting = list(
        AccountRequest.objects.filter(status=AccountRequest.Status.SUBMITTED, submitted_at__lt=cutoff)
        .select_related("org_unit", "requester", "platform")
        .order_by("submitted_at")
    )
    approvers = approvers_by_unit({r.org_unit_id for r in waiting})
    admins = list(User.objects.filter(is_district_admin=True, is_active=True))
    per_person: dict[User, list] = defaultdict(list)
    for r in waiting:
        deciders = [u for u in approvers.get(r.org_unit_id, []) if u.pk != r.requester_id]
        # Nobody else can decide it (e.g. the principal's own request): district admins do (§1.4.6).
        for user in deciders or [a for a in admins if a.pk != r.requester_id]:
            per_person[user].append(r)

    result = SweepResult("pending_approvals", day, counts={"waiting_requests": len(waiting)})
    for user, requests in per_person.items():
        lines = [
            f"- {r.title} ({r.platform}, {r.org_unit}) from {r.requester.short_name}, "
            f"waiting {(day - timezone.localdate(r.submitted_at)).days} days"
            for r in requests
        ]
        result.planned.append(
            Planned(
                recipient=user,
                kind="reminder.pending_approvals",
                subject=f"{len(requests)} account request{'s' if len(requests) != 1 else ''} waiting for your decision",
                body="Staff may not set up these accounts until you decide (AP 1311 §1.4.6):\n" + "\n".join(lines),
                url="/requests/queue/",
                dedupe_key=f"pending_approvals:{user.pk}:{day.isoformat()}",
            )
        )
    return result


# --- Comment moderation (§1.4.3) ---------------------------------------------------------------------


def _owners_and_co_admins(entries) -> dict[int, list[User]]:
    """entry id → the people who may check in (owner first), in one query for the co-admins."""
    from registry.models import RegistryEntry

    people: dict[int, list[User]] = {e.pk: [e.owner] for e in entries}
    through = RegistryEntry.co_admins.through
    for row in through.objects.filter(registryentry_id__in=list(people)).select_related("user"):
        if row.user.is_active and row.user not in people[row.registryentry_id]:
            people[row.registryentry_id].append(row.user)
    return people


def plan_moderation(day: date) -> SweepResult:
    """Each morning: record missed periods, remind owners of today's check-ins, escalate repeat misses.

    1. Periods that ended without a check-in (within the escalation window) become MissedCheckIn rows.
    2. Owners (not co-admins, to avoid doubles) get one message listing every account due today,
       each with a one-click signed link.
    3. Accounts with MODERATION_ESCALATE_AFTER_MISSED or more missed periods in the window go to the
       unit's approvers (district admins when the unit has none), at most once a week per approver.
    """
    from moderation import periods
    from moderation.links import checkin_url
    from moderation.models import CheckIn, MissedCheckIn
    from moderation.selectors import monitored_entries
    from moderation.services import record_missed_periods

    rules = settings.PORTAL
    window = rules["MODERATION_WINDOW_DAYS"]
    newly_missed = record_missed_periods(day=day, lookback_days=window)

    entries = list(monitored_entries().select_related("owner", "platform", "org_unit"))
    starts = {e.pk: periods.period_start(e.comment_setting, day) for e in entries}
    done = set(
        CheckIn.objects.filter(
            entry__in=monitored_entries().values("pk"), period_start__gte=day - timedelta(days=7)
        ).values_list("entry_id", "period_start")
    )
    due: dict[User, list] = defaultdict(list)
    for e in entries:
        if (e.pk, starts[e.pk]) not in done and e.owner.is_active:
            due[e.owner].append(e)

    result = SweepResult("moderation", day, counts={"monitored": len(entries), "newly_missed": newly_missed})
    for owner, owned in due.items():
        lines = []
        for e in owned:
            link = checkin_url(entry_id=e.pk, user_id=owner.pk, period_start=starts[e.pk])
            cadence = "today" if e.comment_setting == "on" else "this week"
            lines.append(
                f"- {e.display_name} ({e.platform}, {e.org_unit}), {cadence}:\n  {settings.PORTAL_BASE_URL}{link}"
            )
        result.planned.append(
            Planned(
                recipient=owner,
                kind="reminder.moderation",
                subject=f"Comment check-in due for {len(owned)} account{'s' if len(owned) != 1 else ''}",
                body="Comments are on or moderated on these accounts, so AP 1311 §1.4.3 asks you to read and "
                "moderate them. Open a link to record your check-in with one click:\n" + "\n".join(lines),
                url="/home/",
                dedupe_key=f"moderation:{owner.pk}:{day.isoformat()}",
            )
        )

    # Escalation: repeat misses within the window.
    threshold = rules["MODERATION_ESCALATE_AFTER_MISSED"]
    counts: dict[int, int] = defaultdict(int)
    for entry_id in MissedCheckIn.objects.filter(
        entry__in=monitored_entries().values("pk"), period_start__gte=day - timedelta(days=window)
    ).values_list("entry_id", flat=True):
        counts[entry_id] += 1
    flagged = [e for e in entries if counts.get(e.pk, 0) >= threshold]
    result.counts["escalated_accounts"] = len(flagged)
    _plan_escalation(
        result,
        flagged,
        day,
        kind="escalation.moderation",
        subject="Comments not monitored on {n} account{s} of your unit",
        intro=f"These accounts missed {threshold} or more comment check-ins in the last {window} days "
        "(AP 1311 §1.4.3). You may follow up with the owner, or disable the account (§1.4.2):",
        describe=lambda e: f"{counts[e.pk]} missed",
        url="/registry/?comments=on",
    )
    return result


def _plan_escalation(result, flagged, day, *, kind, subject, intro, describe, url):
    """Group flagged accounts per approver of their unit (district admins when none): weekly at most."""
    approvers = approvers_by_unit({e.org_unit_id for e in flagged})
    admins = list(User.objects.filter(is_district_admin=True, is_active=True))
    per_person: dict[User, list] = defaultdict(list)
    for e in flagged:
        for user in approvers.get(e.org_unit_id) or admins:
            per_person[user].append(e)
    year, week, _ = day.isocalendar()
    for user, items in per_person.items():
        lines = [
            f"- {e.display_name} ({e.platform}, {e.org_unit}), owner {e.owner.short_name}: {describe(e)}" for e in items
        ]
        result.planned.append(
            Planned(
                recipient=user,
                kind=kind,
                subject=subject.format(n=len(items), s="s" if len(items) != 1 else ""),
                body=intro + "\n" + "\n".join(lines),
                url=url,
                dedupe_key=f"{kind}:{user.pk}:{year}-W{week:02d}",
            )
        )


# --- Site reviews (§1.2.1.3) --------------------------------------------------------------------------


def plan_reviews(day: date) -> SweepResult:
    """Owners of accounts due for review get a reminder when due, then weekly while overdue; after
    REVIEW_GRACE_DAYS overdue, the unit's approvers are told weekly and can decommission."""
    from registry.models import RegistryEntry

    due = list(
        RegistryEntry.objects.filter(status=RegistryEntry.Status.ACTIVE, next_review_due__lte=day)
        .select_related("owner", "platform", "org_unit")
        .order_by("next_review_due")
    )
    year, week, _ = day.isocalendar()
    per_owner: dict[User, list] = defaultdict(list)
    for e in due:
        if e.owner.is_active:
            per_owner[e.owner].append(e)
    result = SweepResult("reviews", day, counts={"due_or_overdue": len(due)})
    for owner, items in per_owner.items():
        lines = [
            f"- {e.display_name} ({e.platform}, {e.org_unit}): "
            + ("due today" if e.next_review_due == day else f"overdue since {e.next_review_due:%B %-d}")
            + f"\n  {settings.PORTAL_BASE_URL}/registry/{e.pk}/"
            for e in items
        ]
        result.planned.append(
            Planned(
                recipient=owner,
                kind="reminder.review",
                subject=f"Site review due for {len(items)} account{'s' if len(items) != 1 else ''}",
                body="AP 1311 §1.2.1.3 asks you to keep each site current, or to close it when it is no longer "
                "used. Confirm each site is still in use, or ask to decommission it:\n" + "\n".join(lines),
                url="/registry/mine/",
                dedupe_key=f"review:{owner.pk}:{year}-W{week:02d}",
            )
        )
    grace = settings.PORTAL["REVIEW_GRACE_DAYS"]
    flagged = [e for e in due if (day - e.next_review_due).days > grace]
    result.counts["escalated_accounts"] = len(flagged)
    _plan_escalation(
        result,
        flagged,
        day,
        kind="escalation.review",
        subject="{n} account{s} of your unit overdue for review",
        intro=f"These sites have not been reviewed for more than {grace} days past their due date "
        "(AP 1311 §1.2.1.3). Open the registry to follow up or decommission them (§1.4.2):",
        describe=lambda e: f"review overdue since {e.next_review_due:%Y-%m-%d}",
        url="/registry/?overdue=1",
    )
    return result


# --- The registry of sweeps ------------------------------------------------------------------------


def _moment(day: date) -> datetime:
    """For sweeps that work to the minute: now for today, else noon of the given district day."""
    return timezone.now() if day == district_today() else local_midnight(day) + timedelta(hours=12)


def _outreach(name: str) -> Callable[[date], SweepResult]:
    def plan(day: date) -> SweepResult:
        from outreach import services

        planner = getattr(services, name)
        return planner(day) if name == "plan_attestation_reminders" else planner(_moment(day))

    return plan


SWEEPS: dict[str, Callable[[date], SweepResult]] = {
    "moderation": plan_moderation,
    "reviews": plan_reviews,
    "pending_approvals": plan_pending_approvals,
    "overdue_inquiries": _outreach("plan_overdue_inquiry_reminders"),
    "event_reminders": _outreach("plan_event_reminders"),
    "attestations": _outreach("plan_attestation_reminders"),
}


def run_sweep(name: str, *, day: date | None = None, dry_run: bool = False) -> SweepResult:
    if name not in SWEEPS:
        raise KeyError(f"Unknown sweep {name!r}; known: {', '.join(sorted(SWEEPS))}")
    return deliver(SWEEPS[name](day or district_today()), dry_run=dry_run)
