from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from approvals.models import AccountRequest
from approvals.selectors import requests_awaiting_decision_by

from .selectors import units_approved_by, units_employing


def landing(request):
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


@login_required
def home(request):
    """One page per person: what needs them today, by role (employee and/or approver)."""
    user = request.user
    approved_units = list(units_approved_by(user)) if not user.is_district_admin else []
    my_requests = (
        AccountRequest.objects.filter(requester=user).select_related("platform", "org_unit").order_by("-updated_at")
    )
    context = {
        "employee_units": list(units_employing(user)),
        "approved_units": approved_units,
        "my_requests": my_requests[:10],
        "my_requests_open": my_requests.filter(status__in=AccountRequest.OPEN_STATES).count(),
        "waiting_for_me": list(requests_awaiting_decision_by(user)[:10]),
        "waiting_for_me_count": requests_awaiting_decision_by(user).count(),
    }
    return render(request, "home.html", context)
