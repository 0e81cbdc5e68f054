"""Oversight figures for the district dashboard and the per-unit compliance report (AP 1311 §1.4.2,
§1.4.5, §1.4.6). Every function runs a fixed number of grouped queries, whatever the data size."""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import Membership, OrgUnit
from accounts.validators import is_district_email
from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest
from moderation.models import CheckIn, MissedCheckIn
from notifications.models import Notification, SweepRun
from notifications.schedules import SCHEDULES
from notifications.sweeps import registered_sweeps
from outreach.models import MediaInquiry
from outreach.selectors import inquiries_visible_to, inquiries_waiting_for
from registry.models import RegistryEntry
from registry.selectors import admins_needed, registry_entries_for_list

ACTIVE = RegistryEntry.Status.ACTIVE


def _rate(made: int, missed: int) -> float | None:
    due = made + missed
    return round(100 * made / due, 1) if due else None


@dataclass
class UnitFigures:
    unit: OrgUnit
    active: int = 0
    by_platform: dict = field(default_factory=dict)
    public: int = 0
    private: int = 0
    comments: dict = field(default_factory=lambda: {"off": 0, "moderated": 0, "on": 0})
    overdue_reviews: int = 0
    checkins_30: int = 0
    missed_30: int = 0
    checkins_90: int = 0
    missed_90: int = 0
    decided: int = 0
    decision_days: list = field(default_factory=list)

    @property
    def public_share(self):
        return round(100 * self.public / self.active, 1) if self.active else None

    @property
    def compliance_30(self):
        return _rate(self.checkins_30, self.missed_30)

    @property
    def compliance_90(self):
        return _rate(self.checkins_90, self.missed_90)

    @property
    def median_decision_days(self):
        return round(statistics.median(self.decision_days), 1) if self.decision_days else None


def _count_by(qs, *fields):
    return qs.values(*fields).annotate(n=Count("pk")).order_by()


def district_figures(units, today: date | None = None) -> list[UnitFigures]:
    """Per org unit: accounts by platform, privacy and comment setting, overdue reviews, moderation
    compliance (check-ins made / due) over 30 and 90 days, requests decided and median decision time."""
    today = today or timezone.localdate()
    figures = {u.pk: UnitFigures(u) for u in units}
    ids = list(figures)
    active = RegistryEntry.objects.filter(status=ACTIVE, org_unit_id__in=ids)
    for row in _count_by(active, "org_unit_id", "platform__name"):
        f = figures[row["org_unit_id"]]
        f.by_platform[row["platform__name"]] = row["n"]
        f.active += row["n"]
    for row in _count_by(active, "org_unit_id", "privacy"):
        setattr(figures[row["org_unit_id"]], "public" if row["privacy"] == "public" else "private", row["n"])
    for row in _count_by(active, "org_unit_id", "comment_setting"):
        figures[row["org_unit_id"]].comments[row["comment_setting"]] = row["n"]
    for row in _count_by(active.filter(next_review_due__lt=today), "org_unit_id"):
        figures[row["org_unit_id"]].overdue_reviews = row["n"]
    for model, attr in ((CheckIn, "checkins"), (MissedCheckIn, "missed")):
        rows = (
            model.objects.filter(entry__org_unit_id__in=ids, period_start__gte=today - timedelta(days=90))
            .values("entry__org_unit_id")
            .annotate(d90=Count("pk"), d30=Count("pk", filter=Q(period_start__gte=today - timedelta(days=30))))
            .order_by()
        )
        for row in rows:
            f = figures[row["entry__org_unit_id"]]
            setattr(f, f"{attr}_90", row["d90"])
            setattr(f, f"{attr}_30", row["d30"])
    decided = AccountRequest.objects.filter(
        org_unit_id__in=ids,
        status__in=AccountRequest.DECIDED_STATES,
        decided_at__date__gte=today - timedelta(days=365),
        submitted_at__isnull=False,
    ).values_list("org_unit_id", "submitted_at", "decided_at")
    for unit_id, submitted, decided_at in decided:
        f = figures[unit_id]
        f.decided += 1
        f.decision_days.append((decided_at - submitted).total_seconds() / 86400)
    return list(figures.values())


def compliance_over_time(unit_ids, today: date | None = None, weeks: int = 12) -> list[dict]:
    """Weekly moderation compliance (check-ins made / due) for the last `weeks` weeks."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    buckets = {first + timedelta(weeks=i): {"made": 0, "missed": 0} for i in range(weeks)}
    for model, key in ((CheckIn, "made"), (MissedCheckIn, "missed")):
        rows = (
            model.objects.filter(entry__org_unit_id__in=unit_ids, period_start__gte=first)
            .values("period_start")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            start = row["period_start"]
            buckets[start - timedelta(days=start.weekday())][key] += row["n"]
    return [
        {"week": week, "made": b["made"], "missed": b["missed"], "rate": _rate(b["made"], b["missed"])}
        for week, b in sorted(buckets.items())
    ]


# --- Compliance report per unit ---------------------------------------------------------------------

CLAUSES = [
    ("1.1.1", "District e-mail"),
    ("1.2.3", "Acknowledgements on file"),
    ("1.2.4", "Identification and link"),
    ("1.4.3", "Comments monitored"),
    ("1.4.4", "Privacy justified"),
    ("1.4.5", "Credentials on file"),
    ("1.4.6", "Approved before registration"),
    ("1.2.1.3", "Review current"),
]


@dataclass
class Verdict:
    ok: bool
    note: str
    evidence: str = ""


def unit_compliance(unit: OrgUnit, today: date | None = None, recent_days: int = 7):
    """Every non-removed account of the unit with a verdict per tracked clause. Bounded queries."""
    from django.urls import reverse

    today = today or timezone.localdate()
    entries = list(
        RegistryEntry.objects.filter(org_unit=unit)
        .exclude(status=RegistryEntry.Status.REMOVED)
        .select_related("platform", "owner", "request")
        .annotate(
            ack_count=Count("request__acknowledgements", distinct=True),
            co_admin_count=Count("co_admins", distinct=True),
            recent_missed=Count(
                "missed_checkins",
                filter=Q(missed_checkins__period_start__gte=today - timedelta(days=recent_days)),
                distinct=True,
            ),
        )
        .order_by("platform__name", "handle")
    )
    required_acks = len(STATEMENTS)
    needed_admins = admins_needed()
    rows = []
    for e in entries:
        r = e.request
        detail = reverse("registry:detail", args=[e.pk])
        req_url = reverse("approvals:detail", args=[r.pk]) if r else detail
        emails = [x for x in (e.login_email, e.recovery_email) if x]
        v = {
            "1.1.1": Verdict(
                all(is_district_email(x) for x in emails) and bool(emails),
                ", ".join(emails) or "no login e-mail",
                detail,
            ),
            "1.2.3": Verdict(
                bool(r) and e.ack_count >= required_acks,
                f"{e.ack_count}/{required_acks} statements" if r else "no request on file",
                req_url,
            ),
            # The entry's own record: carried from the request at registration, asked for on import.
            "1.2.4": Verdict(
                e.has_identification,
                "identification text and website link" if e.has_identification else "identification not on record",
                detail,
            ),
            "1.4.3": Verdict(
                e.comment_setting == "off" or e.recent_missed == 0,
                "comments off"
                if e.comment_setting == "off"
                else f"{e.recent_missed} missed in the last {recent_days} days",
                detail,
            ),
            "1.4.4": Verdict(
                e.privacy == "private" or bool(r and r.public_justification.strip()),
                "private network"
                if e.privacy == "private"
                else (
                    "public, need stated" if r and r.public_justification.strip() else "public without a stated need"
                ),
                req_url,
            ),
            "1.4.5": Verdict(
                bool(e.login_username and e.has_password and not e.needs_password_rotation)
                and (e.status != RegistryEntry.Status.ACTIVE or 1 + e.co_admin_count >= needed_admins),
                "rotation needed"
                if e.needs_password_rotation
                else (
                    ("username and password recorded" if e.has_password else "no password on file")
                    # Enough hands (issue 15): the owner alone is one person leaving from a stranded account.
                    + (
                        f"; {1 + e.co_admin_count} of {needed_admins} administrators"
                        if e.status == RegistryEntry.Status.ACTIVE and 1 + e.co_admin_count < needed_admins
                        else ""
                    )
                ),
                detail,
            ),
            "1.4.6": Verdict(
                bool(
                    r and r.status == AccountRequest.Status.APPROVED and r.decided_at and r.decided_at <= e.created_at
                ),
                f"approved {date_format(timezone.localdate(r.decided_at), 'DATE_FORMAT')}"
                if r and r.decided_at
                else "no approval on file",
                req_url,
            ),
            "1.2.1.3": Verdict(
                e.next_review_due >= today, f"next review {date_format(e.next_review_due, 'DATE_FORMAT')}", detail
            ),
        }
        rows.append({"entry": e, "verdicts": [v[c] for c, _ in CLAUSES], "ok": all(x.ok for x in v.values())})
    return rows


# --- Home panels: the district at a glance, the communications manager's desk -------------------------


@dataclass
class SweepStatus:
    name: str
    label: str
    last: object = None  # the latest SweepRun, or None when it never ran

    @property
    def summary(self) -> str:
        """ "4 messages; 4 not confirmed" rather than the run's raw counts."""
        if self.last is None:
            return ""
        counts = dict(self.last.counts or {})
        created = counts.pop("created", 0)
        counts.pop("planned", None)
        parts = [f"{created} message{'s' if created != 1 else ''}"]
        parts += [f"{n} {key.replace('_', ' ')}" for key, n in counts.items() if n]
        return "; ".join(parts)


@dataclass
class DistrictGlance:
    units_without_approver: list
    units_without_approver_count: int
    needs_new_owner: int
    needs_password_rotation: int
    overdue_reviews: int
    failed_emails: int
    sweeps: list


def district_at_a_glance(today: date | None = None) -> DistrictGlance:
    """For district admins' home: what in the district needs IT or governance staff (§1.4.2, §1.4.5,
    §1.2.1.3). A fixed number of queries: the sweep runs cost one query per registered sweep."""
    today = today or timezone.localdate()
    has_approver = Membership.objects.filter(
        org_unit=OuterRef("pk"), role=Membership.Role.APPROVER, user__is_active=True
    )
    orphans = OrgUnit.objects.filter(is_active=True).exclude(Exists(has_approver)).order_by("name")
    live = RegistryEntry.objects.exclude(status=RegistryEntry.Status.REMOVED)
    counts = live.aggregate(
        owner=Count("pk", filter=Q(needs_new_owner=True)),
        rotation=Count("pk", filter=Q(needs_password_rotation=True)),
        overdue=Count("pk", filter=Q(status=ACTIVE, next_review_due__lt=today)),
    )
    labels = {s.args[0]: s.name for s in SCHEDULES if s.args}
    sweeps = [
        SweepStatus(
            name,
            labels.get(name, name.replace("_", " ").capitalize()),
            SweepRun.objects.filter(name=name, dry_run=False).first(),  # a run is named after its sweep
        )
        for name in sorted(registered_sweeps())
    ]
    return DistrictGlance(
        units_without_approver=list(orphans[:8]),
        units_without_approver_count=orphans.count(),
        needs_new_owner=counts["owner"],
        needs_password_rotation=counts["rotation"],
        overdue_reviews=counts["overdue"],
        failed_emails=Notification.objects.filter(email_status=Notification.EmailStatus.FAILED).count(),
        sweeps=sweeps,
    )


@dataclass
class CommunicationsDesk:
    open_inquiries: list
    open_count: int
    waiting_count: int
    overdue_count: int
    public_accounts: list
    public_count: int
    now: object = None


def communications_desk(user, now=None) -> CommunicationsDesk:
    """For the communications manager's home (§1.5.1): open media inquiries by deadline, and the public
    accounts registered most recently (read-only). Bounded queries."""
    now = now or timezone.now()
    open_qs = inquiries_visible_to(user).filter(status__in=MediaInquiry.OPEN_STATES)
    waiting = inquiries_waiting_for(user)
    public = registry_entries_for_list(user).filter(
        privacy=RegistryEntry.Privacy.PUBLIC, status=RegistryEntry.Status.ACTIVE
    )
    return CommunicationsDesk(
        open_inquiries=list(open_qs.order_by("deadline", "id")[:8]),
        open_count=open_qs.count(),
        waiting_count=waiting.count(),
        overdue_count=waiting.filter(deadline__lt=now).count(),
        public_accounts=list(public.order_by("-created_at", "-id")[:6]),
        public_count=public.count(),
        now=now,
    )
