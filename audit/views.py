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
