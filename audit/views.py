from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from core.http import csv_response

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
    return render(request, "audit/list.html", {"filter": filterset, "page": page})


@login_required
def event_export(request):
    filterset = _filtered(request)
    if not filterset.is_valid():
        return render(request, "audit/list.html", {"filter": filterset, "page": None}, status=400)
    filters = {k: v for k, v in request.GET.items() if v}

    def write(writer):
        services.export_events_csv(actor=request.user, events=filterset.qs, writer=writer, filters=filters)

    return csv_response("audit", write)
