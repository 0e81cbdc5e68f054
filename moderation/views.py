from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.once import one_time_form
from registry.models import RegistryEntry

from . import periods, services
from .links import BadLink, read_token
from .models import CheckIn


@login_required
@require_POST
@one_time_form("check-in")
def checkin(request, pk: int):
    """One click from the portal: "I checked the comments" for today's (or this week's) period."""
    try:
        entry = services_entry(request.user, pk)
    except RegistryEntry.DoesNotExist:
        raise Http404 from None
    try:
        _, created = services.record_checkin(user=request.user, entry=entry)
    except services.CheckInError as error:
        messages.error(request, str(error))
    else:
        weekly = entry.comment_setting == RegistryEntry.Comments.MODERATED
        if created:
            text = (
                gettext("Check-in recorded for %(account)s this week. Thank you.")
                if weekly
                else gettext("Check-in recorded for %(account)s today. Thank you.")
            )
        else:
            text = (
                gettext("%(account)s was already checked this week.")
                if weekly
                else gettext("%(account)s was already checked today.")
            )
        messages.success(request, text % {"account": entry.display_name})
    target = request.POST.get("next", "")
    # Only a local path: never an outside site, never a bare word that redirect() would take for a URL name.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("home")
    return redirect(target)


def services_entry(user, pk):
    from .selectors import entry_for_checkin

    return entry_for_checkin(user, pk)


def link(request, token: str):
    """The one-click link from the reminder e-mail: GET shows what it does, POST records it.

    Works without a password and does only this: it never signs anyone in. (GET changes nothing,
    so mail scanners that open links cannot check in on someone's behalf.)
    """
    try:
        payload = read_token(token)
        entry = RegistryEntry.objects.select_related("platform", "org_unit").get(pk=payload.entry_id)
        user = get_user_model().objects.get(pk=payload.user_id, is_active=True)
    except BadLink as error:
        return render(
            request,
            "moderation/link_invalid.html",
            {"message": str(error), "expired": error.expired},
            status=410 if error.expired else 400,
        )
    except (RegistryEntry.DoesNotExist, get_user_model().DoesNotExist):
        return render(
            request,
            "moderation/link_invalid.html",
            {"message": gettext("This check-in link is not valid.")},
            status=400,
        )
    current = periods.period_start(entry.comment_setting, timezone.localdate())
    context = {"entry": entry, "person": user, "period": periods.describe(entry.comment_setting, payload.period_start)}
    if current != payload.period_start:
        context["message"] = gettext("This link was for %(period)s, which is over. Sign in to check in for today.") % {
            "period": context["period"]
        }
        return render(request, "moderation/link_invalid.html", {**context, "expired": True}, status=410)
    already = CheckIn.objects.filter(entry=entry, period_start=payload.period_start).first()
    if request.method == "POST" and not already:
        try:
            services.record_checkin(user=user, entry=entry, day=payload.period_start, via=CheckIn.Via.EMAIL)
        except services.CheckInError as error:
            return render(request, "moderation/link_invalid.html", {**context, "message": str(error)}, status=403)
        return render(request, "moderation/link.html", {**context, "done": True})
    return render(request, "moderation/link.html", {**context, "already": already})
