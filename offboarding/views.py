"""Thin views: the approvers' open offboarding cases, one case with its items, and withdrawing a request
the departed person left open. New owners and new passwords are recorded on the registry's own pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.selectors import units_approved_by
from core.errors import DomainError

from . import selectors, services
from .forms import AnswerForm, ReassignForm, StartReviewForm
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
    can_work = selectors.can_work_on(request.user, case)
    rows = [
        (
            item,
            ReassignForm(case=case, prefix=f"item{item.pk}")
            if can_work and item.kind == CaseItem.Kind.PENDING_REQUEST and not item.is_done
            else None,
        )
        for item in items
    ]
    return render(request, "offboarding/detail.html", {"case": case, "rows": rows, "can_work": can_work})


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
        messages.success(request, _("The request is withdrawn."))
    return redirect("offboarding:detail", pk=item.case_id)


@login_required
@require_POST
def reassign_request(request, pk: int):
    item = get_object_or_404(
        CaseItem.objects.filter(case__in=selectors.cases_visible_to(request.user)).select_related("case"), pk=pk
    )
    if not selectors.can_work_on(request.user, item.case):
        raise PermissionDenied("This case is closed or not yours to work on.")
    form = ReassignForm(request.POST, case=item.case, prefix=f"item{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose a colleague of the unit to hand the request to."))
        return redirect("offboarding:detail", pk=item.case_id)
    new_requester = form.cleaned_data["new_requester"]
    try:
        services.reassign_request_of_departed(actor=request.user, item=item, new_requester=new_requester)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("The request is now %(name)s’s; they have been told.") % {"name": new_requester.short_name}
        )
    return redirect("offboarding:detail", pk=item.case_id)


# --- Access reviews (§1.4.5, §1.2.1.3) --------------------------------------------------------------


@login_required
def review_list(request):
    user = request.user
    if not (user.is_district_admin or units_approved_by(user).exists()):
        raise PermissionDenied("Only principals, supervisors and district admins take part in access reviews.")
    form = StartReviewForm(request.POST or None) if user.is_district_admin else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Only district admins start access reviews.")
        if form.is_valid():
            try:
                review = services.start_review(actor=user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(review)s is started: %(count)s account to confirm.",
                        "%(review)s is started: %(count)s accounts to confirm.",
                        review.items.count(),
                    )
                    % {"review": review, "count": review.items.count()},
                )
                return redirect("offboarding:review", pk=review.pk)
    reviews = selectors.reviews_visible_to(user).order_by("-created_at")
    page = Paginator(reviews, 50).get_page(request.GET.get("page"))
    return render(request, "offboarding/reviews.html", {"page": page, "reviews": page.object_list, "form": form})


@login_required
def review_detail(request, pk: int):
    items = selectors.review_items_visible_to(request.user).filter(review_id=pk)
    if not items.exists():
        raise Http404
    review = items.first().review
    rows = [(item, AnswerForm(initial=_answers(item), prefix=str(item.pk))) for item in items]
    return render(request, "offboarding/review.html", {"review": review, "rows": rows})


def _answers(item) -> dict:
    return {name: bool(getattr(item, name)) for name in AnswerForm.base_fields}


@login_required
@require_POST
def answer(request, pk: int):
    item = get_object_or_404(selectors.review_items_visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST, prefix=str(item.pk))
    if not form.is_valid():  # pragma: no cover - booleans are always valid
        messages.error(request, _("That answer could not be read."))
        return redirect("offboarding:review", pk=item.review_id)
    try:
        services.answer_review_item(actor=request.user, item=item, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Answer recorded for %(account)s.") % {"account": item.entry})
    return redirect("offboarding:review", pk=item.review_id)
