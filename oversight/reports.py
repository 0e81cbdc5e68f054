"""Oversight figures for the district dashboard and the per-unit compliance report (AP 1311 §1.4.2,
§1.4.5, §1.4.6). Every function runs a fixed number of grouped queries, whatever the data size; the
dashboard reads the district figures from their rollup (oversight/rollups.py), computed here."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, OrgUnit
from accounts.validators import is_district_email
from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest, Acknowledgement
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


WEEKS = 12
# What a unit's figures are, in UnitFigures (live) and models.UnitRollup (stored) alike.
FIGURE_NAMES = [
    "active",
    "by_platform",
    "public",
    "private",
    "comments",
    "overdue_reviews",
    "checkins_30",
    "missed_30",
    "checkins_90",
    "missed_90",
    "weekly_made",
    "weekly_missed",
    "decided",
    "median_decision_days",
]


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
    weekly_made: list = field(default_factory=lambda: [0] * WEEKS)
    weekly_missed: list = field(default_factory=lambda: [0] * WEEKS)
    decided: int = 0
    median_decision_days: float | None = None

    @property
    def public_share(self):
        return round(100 * self.public / self.active, 1) if self.active else None

    @property
    def compliance_30(self):
        return _rate(self.checkins_30, self.missed_30)

    @property
    def compliance_90(self):
        return _rate(self.checkins_90, self.missed_90)


class Median(Aggregate):
    """PostgreSQL's median (percentile_cont): the middle value computed by the database, not in Python."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False


def first_week(today: date, weeks: int = WEEKS) -> date:
    """The Monday that starts the oldest of the last `weeks` weeks (the current week included)."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def _local_midnight(day: date):
    return timezone.make_aware(datetime.combine(day, time.min))


def district_figures(units, today: date | None = None) -> list[UnitFigures]:
    """Per org unit: accounts by platform, privacy and comment setting, overdue reviews, moderation
    compliance (check-ins made / due) over 30 and 90 days and per week, requests decided and median
    decision time. The live computation: four grouped queries whatever the number of units or rows.
    The dashboard reads the same figures from its rollup (rollups.py), computed by this function."""
    today = today or timezone.localdate()
    figures = {u.pk: UnitFigures(u) for u in units}
    ids = list(figures)
    if not ids:
        return []
    # 1. The registry: every figure of the active accounts in one grouped query (unit x platform).
    active = RegistryEntry.objects.filter(status=ACTIVE, org_unit_id__in=ids)
    rows = (
        active.values("org_unit_id", "platform__name")
        .annotate(
            n=Count("pk"),
            public=Count("pk", filter=Q(privacy=RegistryEntry.Privacy.PUBLIC)),
            off=Count("pk", filter=Q(comment_setting="off")),
            moderated=Count("pk", filter=Q(comment_setting="moderated")),
            on=Count("pk", filter=Q(comment_setting="on")),
            overdue=Count("pk", filter=Q(next_review_due__lt=today)),
        )
        .order_by()
    )
    for row in rows:
        f = figures[row["org_unit_id"]]
        f.by_platform[row["platform__name"]] = row["n"]
        f.active += row["n"]
        f.public += row["public"]
        f.private += row["n"] - row["public"]
        f.overdue_reviews += row["overdue"]
        for setting in ("off", "moderated", "on"):
            f.comments[setting] += row[setting]
    for f in figures.values():
        f.by_platform = dict(sorted(f.by_platform.items()))
    # 2, 3. Moderation (§1.4.3): made and missed over 30 and 90 days and in each of the last weeks.
    weeks = [first_week(today) + timedelta(weeks=i) for i in range(WEEKS)]
    since = min(today - timedelta(days=90), weeks[0])
    for model, attr in ((CheckIn, "checkins"), (MissedCheckIn, "missed")):
        counts = {
            "d90": Count("pk", filter=Q(period_start__gte=today - timedelta(days=90))),
            "d30": Count("pk", filter=Q(period_start__gte=today - timedelta(days=30))),
        }
        for i, monday in enumerate(weeks):
            counts[f"w{i}"] = Count(
                "pk", filter=Q(period_start__gte=monday, period_start__lt=monday + timedelta(weeks=1))
            )
        rows = (
            model.objects.filter(entry__org_unit_id__in=ids, period_start__gte=since)
            .values("entry__org_unit_id")
            .annotate(**counts)
            .order_by()
        )
        weekly = "weekly_made" if attr == "checkins" else "weekly_missed"
        for row in rows:
            f = figures[row["entry__org_unit_id"]]
            setattr(f, f"{attr}_90", row["d90"])
            setattr(f, f"{attr}_30", row["d30"])
            setattr(f, weekly, [row[f"w{i}"] for i in range(WEEKS)])
    # 4. Decisions in the last year (§1.4.6) and their median time, in the database where it can.
    decided = AccountRequest.objects.filter(
        org_unit_id__in=ids,
        status__in=AccountRequest.DECIDED_STATES,
        decided_at__gte=_local_midnight(today - timedelta(days=365)),
        submitted_at__isnull=False,
    )
    if connection.vendor == "postgresql":
        rows = (
            decided.values("org_unit_id")
            .annotate(n=Count("pk"), median=Median(F("decided_at") - F("submitted_at"), output_field=DurationField()))
            .order_by()
        )
        for row in rows:
            f = figures[row["org_unit_id"]]
            f.decided = row["n"]
            f.median_decision_days = round(row["median"].total_seconds() / 86400, 1)
    else:  # SQLite has no percentile function: the same median in Python
        days = defaultdict(list)
        for unit_id, submitted, decided_at in decided.values_list("org_unit_id", "submitted_at", "decided_at"):
            days[unit_id].append((decided_at - submitted).total_seconds() / 86400)
        for unit_id, values in days.items():
            figures[unit_id].decided = len(values)
            figures[unit_id].median_decision_days = round(statistics.median(values), 1)
    return list(figures.values())


def compliance_over_time(unit_ids, today: date | None = None, weeks: int = WEEKS) -> list[dict]:
    """Weekly moderation compliance (check-ins made / due) for the last `weeks` weeks (live)."""
    today = today or timezone.localdate()
    first = first_week(today, weeks)
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
    return weekly_trend(first, [b["made"] for b in buckets.values()], [b["missed"] for b in buckets.values()])


def weekly_trend(first: date, made: list[int], missed: list[int]) -> list[dict]:
    return [
        {"week": first + timedelta(weeks=i), "made": m, "missed": x, "rate": _rate(m, x)}
        for i, (m, x) in enumerate(zip(made, missed, strict=True))
    ]


# --- Compliance report per unit ---------------------------------------------------------------------

# Labels are lazy (the page reads them in its language); the CSV's headers keep the English (issue 17).
CLAUSES = [
    ("1.1.1", _("District e-mail")),
    ("1.2.3", _("Acknowledgements on file")),
    ("1.2.4", _("Identification and link")),
    ("1.4.3", _("Comments monitored")),
    ("1.4.4", _("Privacy justified")),
    ("1.4.5", _("Credentials on file")),
    ("1.4.6", _("Approved before registration")),
    ("1.2.1.3", _("Review current")),
]


@dataclass
class Verdict:
    ok: bool
    note: str
    evidence: str = ""


def _url_of_id(name: str):
    """`pk -> reverse(name, args=[pk])` with one reverse() in all (a hundred rows made two hundred)."""
    sentinel = 918273645
    template = reverse(name, args=[sentinel]).replace(str(sentinel), "{}")
    return template.format


def _credentials_note(e, needed_admins: int) -> str:
    """§1.4.5: what the registry holds of an account's credentials, and whether enough people hold them."""
    if e.needs_password_rotation:
        return gettext("rotation needed")
    note = gettext("username and password recorded") if e.has_password else gettext("no password on file")
    # Enough hands (issue 15): the owner alone is one person leaving from a stranded account.
    if e.status == RegistryEntry.Status.ACTIVE and 1 + e.co_admin_count < needed_admins:
        note = gettext("%(note)s; %(count)s of %(needed)s administrators") % {
            "note": note,
            "count": 1 + e.co_admin_count,
            "needed": needed_admins,
        }
    return note


def unit_compliance(unit: OrgUnit, today: date | None = None, recent_days: int = 7):
    """Every non-removed account of the unit with a verdict per tracked clause. Bounded queries.

    The notes are written in the active language (issue 17): callers that cache the rows key them by it."""
    today = today or timezone.localdate()
    entries = list(
        RegistryEntry.objects.filter(org_unit=unit)
        .exclude(status=RegistryEntry.Status.REMOVED)
        .select_related("platform", "owner", "request")
        # Counted in correlated subqueries (one index probe per account), not by joining both tables
        # and de-duplicating the product of their rows.
        .annotate(
            ack_count=Coalesce(
                Subquery(
                    Acknowledgement.objects.filter(request=OuterRef("request_id"))
                    .order_by()
                    .values("request")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            co_admin_count=Coalesce(
                Subquery(
                    RegistryEntry.co_admins.through.objects.filter(registryentry_id=OuterRef("pk"))
                    .order_by()
                    .values("registryentry_id")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            recent_missed=Coalesce(
                Subquery(
                    MissedCheckIn.objects.filter(
                        entry=OuterRef("pk"), period_start__gte=today - timedelta(days=recent_days)
                    )
                    .order_by()
                    .values("entry")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
        )
        .order_by("platform__name", "handle")
    )
    required_acks = len(STATEMENTS)
    entry_url, request_url = _url_of_id("registry:detail"), _url_of_id("approvals:detail")
    needed_admins = admins_needed()
    rows = []
    for e in entries:
        r = e.request
        detail = entry_url(e.pk)
        req_url = request_url(r.pk) if r else detail
        emails = [x for x in (e.login_email, e.recovery_email) if x]
        v = {
            "1.1.1": Verdict(
                all(is_district_email(x) for x in emails) and bool(emails),
                ", ".join(emails) or gettext("no login e-mail"),
                detail,
            ),
            "1.2.3": Verdict(
                bool(r) and e.ack_count >= required_acks,
                gettext("%(count)s/%(required)s statements") % {"count": e.ack_count, "required": required_acks}
                if r
                else gettext("no request on file"),
                req_url,
            ),
            # The entry's own record: carried from the request at registration, asked for on import.
            "1.2.4": Verdict(
                e.has_identification,
                gettext("identification text and website link")
                if e.has_identification
                else gettext("identification not on record"),
                detail,
            ),
            "1.4.3": Verdict(
                e.comment_setting == "off" or e.recent_missed == 0,
                gettext("comments off")
                if e.comment_setting == "off"
                else ngettext(
                    "%(missed)s missed in the last %(days)s day",
                    "%(missed)s missed in the last %(days)s days",
                    recent_days,
                )
                % {"missed": e.recent_missed, "days": recent_days},
                detail,
            ),
            "1.4.4": Verdict(
                e.privacy == "private" or bool(r and r.public_justification.strip()),
                gettext("private network")
                if e.privacy == "private"
                else (
                    gettext("public, need stated")
                    if r and r.public_justification.strip()
                    else gettext("public without a stated need")
                ),
                req_url,
            ),
            "1.4.5": Verdict(
                bool(e.login_username and e.has_password and not e.needs_password_rotation)
                and (e.status != RegistryEntry.Status.ACTIVE or 1 + e.co_admin_count >= needed_admins),
                _credentials_note(e, needed_admins),
                detail,
            ),
            "1.4.6": Verdict(
                bool(
                    r and r.status == AccountRequest.Status.APPROVED and r.decided_at and r.decided_at <= e.created_at
                ),
                gettext("approved %(date)s") % {"date": date_format(timezone.localdate(r.decided_at), "DATE_FORMAT")}
                if r and r.decided_at
                else gettext("no approval on file"),
                req_url,
            ),
            "1.2.1.3": Verdict(
                e.next_review_due >= today,
                gettext("next review %(date)s") % {"date": date_format(e.next_review_due, "DATE_FORMAT")},
                detail,
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
        parts = [ngettext("%(count)s message", "%(count)s messages", created) % {"count": created}]
        for key, n in counts.items():
            if n:
                parts.append(_count_text(key, n))
        return "; ".join(parts)


def _count_text(key: str, n: int) -> str:
    """One of a sweep run's counts in words ("3 already sent"); a count no sweep told us about reads as its key."""
    words = {
        "already_sent": ngettext("%(count)s already sent", "%(count)s already sent", n),
        "skipped": ngettext("%(count)s skipped", "%(count)s skipped", n),
        "escalated_accounts": ngettext("%(count)s account escalated", "%(count)s accounts escalated", n),
        "events_due": ngettext("%(count)s event due", "%(count)s events due", n),
        "not_confirmed": ngettext("%(count)s not confirmed", "%(count)s not confirmed", n),
        "changed": ngettext("%(count)s changed", "%(count)s changed", n),
        "unchanged": ngettext("%(count)s unchanged", "%(count)s unchanged", n),
        "new": ngettext("%(count)s new", "%(count)s new", n),
        "monitored": ngettext("%(count)s account monitored", "%(count)s accounts monitored", n),
        "newly_missed": ngettext("%(count)s check-in newly missed", "%(count)s check-ins newly missed", n),
        "overdue_inquiries": ngettext("%(count)s inquiry overdue", "%(count)s inquiries overdue", n),
    }.get(key)
    if words is None:
        return f"{n} {key.replace('_', ' ')}"
    return words % {"count": n}


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
    labels = {s.args[0]: gettext(s.name) for s in SCHEDULES if s.args}  # names are marked with gettext_noop
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
