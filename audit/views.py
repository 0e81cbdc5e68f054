import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import services
from .filters import AuditEventFilter
from .selectors import can_view_audit, events_visible_to


def _filtered(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    return AuditEventFilter(request.GET, queryset=events_visible_to(request.user), user=request.user)


@login_required
def event_list(request):
    filterset = _filtered(request)
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"filter": filterset, "page": page, "query_string": query.urlencode()},
    )


@login_required
def event_export(request):
    filterset = _filtered(request)
    if not filterset.is_valid():
        return render(request, "audit/list.html", {"filter": filterset, "page": None}, status=400)
    buffer = io.StringIO()
    filters = {k: v for k, v in request.GET.items() if v}
    services.export_events_csv(actor=request.user, events=filterset.qs, stream=buffer, filters=filters)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


# --- District dashboard and compliance reports ------------------------------------------------------


@login_required
def district_dashboard(request):
    """District admins: every unit; approvers: their own units. Charts with their numbers in tables."""
    from accounts.selectors import units_approved_by

    from .reports import compliance_over_time, district_figures

    if not can_view_audit(request.user):
        raise PermissionDenied
    units = list(units_approved_by(request.user).filter(is_active=True).order_by("name"))
    figures = district_figures(units)
    trend = compliance_over_time([u.pk for u in units])
    totals = {
        "active": sum(f.active for f in figures),
        "public": sum(f.public for f in figures),
        "overdue": sum(f.overdue_reviews for f in figures),
        "decided": sum(f.decided for f in figures),
    }
    made = sum(f.checkins_30 for f in figures)
    missed = sum(f.missed_30 for f in figures)
    totals["compliance_30"] = round(100 * made / (made + missed), 1) if made + missed else None
    page = Paginator(figures, 50).get_page(request.GET.get("page"))
    chart_data = {
        "trend": {
            "labels": [t["week"].strftime("%b %-d") for t in trend],
            "values": [t["rate"] for t in trend],
        },
        "units": {
            "labels": [f.unit.name for f in sorted(figures, key=lambda f: -f.active)[:25]],
            "values": [f.active for f in sorted(figures, key=lambda f: -f.active)[:25]],
        },
    }
    return render(
        request,
        "audit/dashboard.html",
        {"page": page, "trend": trend, "totals": totals, "chart_data": chart_data},
    )


def _unit_for_report(request, code):
    from django.http import Http404

    from accounts.selectors import units_approved_by

    unit = units_approved_by(request.user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


@login_required
def compliance_report(request, code: str):
    from .reports import CLAUSES, unit_compliance

    unit = _unit_for_report(request, code)
    rows = unit_compliance(unit)
    return render(
        request,
        "audit/compliance.html",
        {
            "unit": unit,
            "rows": rows,
            "clauses": CLAUSES,
            "today": timezone.localdate(),
            "satisfied": sum(r["ok"] for r in rows),
        },
    )


@login_required
def compliance_report_csv(request, code: str):
    import csv

    from .reports import CLAUSES, unit_compliance

    unit = _unit_for_report(request, code)
    rows = unit_compliance(unit)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="compliance-{unit.code}-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["account", "platform", "owner", "status"] + [f"§{c} {label}" for c, label in CLAUSES])
    for row in rows:
        e = row["entry"]
        writer.writerow(
            [services.safe_csv_cell(x) for x in (e.display_name, e.platform.name, e.owner.email, e.status)]
            + [("yes" if v.ok else "NO") + f" ({services.safe_csv_cell(v.note)})" for v in row["verdicts"]]
        )
    services.record_event(actor=request.user, action="compliance.exported", org_unit=unit, details={"rows": len(rows)})
    return response
