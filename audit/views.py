from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from core.http import csv_response
from core.pagination import keyset_page

from . import services
from .filters import AuditEventFilter
from .selectors import can_view_audit, events_visible_to

PAGE_SIZE = 50
# The caption counts up to this many events ("more than 1,000"): never millions on each view.
COUNT_CAP = 1_000


def _filtered(request):
    if not can_view_audit(request.user):
        raise PermissionDenied
    return AuditEventFilter(request.GET, queryset=events_visible_to(request.user), user=request.user)


@login_required
def event_list(request):
    """Newest first, paged by position (`before` / `after` cursors): the 1,000th page costs what the first does."""
    filterset = _filtered(request)
    events = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = keyset_page(
        events,
        before=request.GET.get("before"),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
        count_cap=COUNT_CAP,
    )
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
