"""Pages that read across apps: home, the district dashboard and the compliance reports."""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import IntegerField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.selectors import units_approved_by, units_employing
from approvals.models import AccountRequest
from approvals.selectors import requests_awaiting_decision_by, requests_of
from audit.services import record_event
from core.http import csv_response, safe_csv_cell
from offboarding.selectors import open_cases_visible_to, review_evidence

from .reports import (
    CLAUSES,
    WEEKS,
    communications_desk,
    district_at_a_glance,
    first_week,
    unit_compliance,
    weekly_trend,
)
from .rollups import current_rollups, unit_version
from .selectors import can_view_oversight, unit_for_report, units_overseen_by


def landing(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "oversight/landing.html")


@login_required
def home(request):
    """One page per person: what needs them today, by role (employee and/or approver)."""
    user = request.user
    approved_units = list(units_approved_by(user)) if not user.is_district_admin else []
    my_requests = requests_of(user).order_by("-updated_at")
    waiting = requests_awaiting_decision_by(user)
    context = {
        "employee_units": list(units_employing(user)),
        "approved_units": approved_units,
        "my_requests": my_requests[:10],
        "my_requests_open": my_requests.filter(status__in=AccountRequest.OPEN_STATES).count(),
        "waiting_for_me": list(waiting[:10]),
        "waiting_for_me_count": waiting.count(),
        # The district admin's and the communications manager's own desks (issue 14).
        "district": district_at_a_glance() if user.is_district_admin else None,
        "comms": communications_desk(user) if user.is_communications_manager else None,
        # Issue 15: people who left and whose accounts still need a new owner or password.
        "offboarding_open": open_cases_visible_to(user).count() if approved_units or user.is_district_admin else 0,
    }
    return render(request, "oversight/home.html", context)


@login_required
def district_dashboard(request):
    """District admins: every unit; approvers: their own units. Charts with their numbers in tables.

    The figures come from the per-unit rollup (rollups.py): a few queries over one row per unit."""
    if not can_view_oversight(request.user):
        raise PermissionDenied
    units = units_overseen_by(request.user).filter(is_active=True)
    rows = current_rollups(units)
    sums = {name: Sum(name) for name in ("active", "public", "overdue_reviews", "decided", "checkins_30", "missed_30")}
    for i in range(WEEKS):
        sums[f"made{i}"] = Sum(Cast(KT(f"weekly_made__{i}"), IntegerField()))
        sums[f"missed{i}"] = Sum(Cast(KT(f"weekly_missed__{i}"), IntegerField()))
    total = {k: v or 0 for k, v in rows.aggregate(**sums).items()}
    made, missed = total["checkins_30"], total["missed_30"]
    totals = {
        "active": total["active"],
        "public": total["public"],
        "overdue": total["overdue_reviews"],
        "decided": total["decided"],
        "compliance_30": round(100 * made / (made + missed), 1) if made + missed else None,
    }
    trend = weekly_trend(
        first_week(timezone.localdate()),
        [total[f"made{i}"] for i in range(WEEKS)],
        [total[f"missed{i}"] for i in range(WEEKS)],
    )
    page = Paginator(rows.select_related("unit").order_by("unit__name"), 50).get_page(request.GET.get("page"))
    by_size = list(rows.order_by("-active", "unit__name").values_list("unit__name", "active")[:25])
    chart_data = {
        "trend": {
            "labels": [date_format(t["week"], "MONTH_DAY_FORMAT") for t in trend],  # in the page's language
            "values": [t["rate"] for t in trend],
        },
        "units": {"labels": [name for name, _ in by_size], "values": [n for _, n in by_size]},
    }
    one_unit = rows.first() if len(by_size) == 1 else None
    if one_unit is not None:
        # One unit: a bar per unit says nothing, so the second chart counts its accounts per platform.
        platforms = sorted(one_unit.by_platform.items(), key=lambda item: -item[1])
        chart_data["units"] = {"labels": [p for p, _ in platforms], "values": [n for _, n in platforms]}
    return render(
        request,
        "oversight/dashboard.html",
        {
            "page": page,
            "trend": trend,
            "totals": totals,
            "chart_data": chart_data,
            # Empty charts say so instead of drawing bare axes (issue 14).
            "trend_has_data": any(t["rate"] is not None for t in trend),
            "chart_units_count": len(by_size),
            "chart_by_platform": one_unit is not None,
        },
    )


# The compliance rows of a unit change only when its data does: cached per unit, day and data version
# (rollups.unit_version, bumped by every change), and at most this long for what no change marks.
COMPLIANCE_CACHE_SECONDS = 600


@login_required
def compliance_report(request, code: str):
    unit = unit_for_report(request.user, code)
    today = timezone.localdate()
    # The verdicts' notes are words in the reader's language (issue 17): one cached copy per language.
    language = translation.get_language() or "en-ca"
    key = f"oversight:compliance:{unit.pk}:{today.isoformat()}:{unit_version(unit)}:{language}"
    rows = cache.get_or_set(key, lambda: unit_compliance(unit, today=today), COMPLIANCE_CACHE_SECONDS)
    return render(
        request,
        "oversight/compliance.html",
        {
            "unit": unit,
            "rows": rows,
            "clauses": CLAUSES,
            "today": timezone.localdate(),
            "satisfied": sum(r["ok"] for r in rows),
            # Issue 15: who confirmed which account in access reviews, and when (§1.4.5, §1.2.1.3).
            "review_evidence": review_evidence(unit)[:50],
        },
    )


REVIEW_COLUMNS = ["access_review", "access_reviewed_at", "access_reviewed_by", "access_review_not_confirmed"]
_REVIEW_ANSWERS = ("still_in_use", "owner_right", "co_admins_right", "password_current")


def _review_cells(item) -> list[str]:
    """The latest access-review answer for one account (machine-readable: codes, ISO time); empty cells
    when no review has answered for it yet."""
    if item is None:
        return ["", "", "", ""]
    not_confirmed = " ".join(name for name in _REVIEW_ANSWERS if not getattr(item, name))
    return [
        safe_csv_cell(item.review.title),
        timezone.localtime(item.answered_at).isoformat(timespec="minutes"),
        safe_csv_cell(item.answered_by.email if item.answered_by else ""),
        not_confirmed or "none",
    ]


@login_required
def compliance_report_csv(request, code: str):
    unit = unit_for_report(request.user, code)
    rows = unit_compliance(unit)
    # Issue 15, evidence for §1.4.5 and §1.2.1.3: each account's latest access-review answer, in one query.
    latest_review = {}
    for item in review_evidence(unit):
        latest_review.setdefault(item.entry_id, item)

    def write(writer):
        # Headers are machine-readable: English whatever the downloader's language; `status` stays a code.
        # The verdicts and their notes are words, in the downloader's language (issue 17).
        with translation.override("en-ca"):
            headers = [f"§{c} {label}" for c, label in CLAUSES]
        writer.writerow(["account", "platform", "owner", "status", *headers, *REVIEW_COLUMNS])
        yes, no = gettext("yes"), gettext("NO")
        for row in rows:
            e = row["entry"]
            writer.writerow(
                [safe_csv_cell(x) for x in (e.display_name, e.platform.name, e.owner.email, e.status)]
                + [(yes if v.ok else no) + f" ({safe_csv_cell(v.note)})" for v in row["verdicts"]]
                + _review_cells(latest_review.get(e.pk))
            )
        record_event(actor=request.user, action="compliance.exported", org_unit=unit, details={"rows": len(rows)})

    return csv_response(f"compliance-{unit.code}", write, stamp=timezone.localdate().isoformat())
