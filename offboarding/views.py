"""Thin views: the approvers' open offboarding cases, one case with its items, and withdrawing a request
the departed person left open. New owners and new passwords are recorded on the registry's own pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.selectors import units_approved_by
from core.errors import DomainError

from . import selectors, services
from .models import CaseItem


@login_required
def case_list(request):
    """Open cases of the units the user approves for, with their progress (district admins: all)."""
    user = request.user
    if not (user.is_district_admin or units_approved_by(user).exists()):
        raise PermissionDenied("Only principals, supervisors and district admins work on offboarding cases.")
    cases = selectors.open_cases_visible_to(user).order_by("opened_at", "pk")
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "offboarding/list.html", {"page": page, "cases": page.object_list})


@login_required
def case_detail(request, pk: int):
    case = get_object_or_404(selectors.cases_visible_to(request.user), pk=pk)
    items = case.items.select_related("entry__platform", "account_request", "done_by")
    return render(
        request,
        "offboarding/detail.html",
        {"case": case, "items": items, "can_work": selectors.can_work_on(request.user, case)},
    )


@login_required
@require_POST
def withdraw_request(request, pk: int):
    item = get_object_or_404(
        CaseItem.objects.filter(case__in=selectors.cases_visible_to(request.user)).select_related("case"), pk=pk
    )
    if not selectors.can_work_on(request.user, item.case):
        raise PermissionDenied("This case is closed or not yours to work on.")
    try:
        services.withdraw_request_of_departed(actor=request.user, item=item)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The request is withdrawn.")
    return redirect("offboarding:detail", pk=item.case_id)
