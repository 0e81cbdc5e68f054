"""The way back from a two-factor set-up that started on an account's page (issue 14: a short path to a
reveal). The account is remembered in the session; allauth's set-up ends on the recovery codes page,
which links back to it (templates/mfa/recovery_codes/index.html); the account page forgets it once
the set-up is done."""

from django.urls import reverse

from .models import RegistryEntry

SESSION_KEY = "registry_two_factor_return"


def remember_return(request, entry: RegistryEntry) -> None:
    request.session[SESSION_KEY] = {"url": reverse("registry:detail", args=[entry.pk]), "label": str(entry)}


def return_link(request) -> dict[str, str] | None:
    """{"url", "label"} of the account the set-up started from, if any."""
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    if isinstance(value, dict) and str(value.get("url", "")).startswith("/"):
        return {"url": value["url"], "label": str(value.get("label", ""))}
    return None


def forget_return(request, entry: RegistryEntry) -> None:
    link = return_link(request)
    if link and link["url"] == reverse("registry:detail", args=[entry.pk]):
        del request.session[SESSION_KEY]
