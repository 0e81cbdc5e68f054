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


# --- The registry of sweeps ------------------------------------------------------------------------

SWEEPS: dict[str, Callable[[date], SweepResult]] = {
    "pending_approvals": plan_pending_approvals,
}


def run_sweep(name: str, *, day: date | None = None, dry_run: bool = False) -> SweepResult:
    if name not in SWEEPS:
        raise KeyError(f"Unknown sweep {name!r}; known: {', '.join(sorted(SWEEPS))}")
    return deliver(SWEEPS[name](day or district_today()), dry_run=dry_run)
