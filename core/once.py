"""One-time form tokens: a form that creates something can be sent twice (a double click, a
reload, a flaky connection) and still creates it once.

Each creating form renders `{% load form_token %}{% form_token %}`, a hidden field with a fresh
random token. Its view carries `@one_time_form("request")` (under @login_required). On a POST:

1. A token that was already used answers at once: a message ("Already submitted: here is your
   request.") and a redirect to where the first submission's answer went (the created object).
2. Otherwise the view runs inside one transaction whose first statement claims the token (a row
   with a unique token, core.models.FormSubmission). A second identical POST arriving meanwhile
   waits on that row (PostgreSQL: the unique index; SQLite: the write lock) until the first
   commits, then finds it used and goes to step 1. If the first fails, its claim rolls back with
   it and the second runs normally.
3. When the view answers with a redirect (it created something), the claim keeps that target.
   When it answers otherwise (the form had errors), the claim is released in the same transaction,
   so the corrected form can be sent with the same token.

A POST without a token (an old page, a script) runs as before, unprotected. Used tokens are
deleted after FORM_TOKEN_RETENTION_DAYS (core.tasks.purge_form_tokens).
"""

import logging
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FormSubmission

logger = logging.getLogger(__name__)

FIELD_NAME = "form_token"
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_REDIRECTS = (301, 302, 303, 307, 308)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


# The message after a second submission, by the noun a view names (issue 17: a whole sentence per noun,
# so each language can agree its words); another noun gets the general sentence.
ALREADY_SUBMITTED = {
    "request": _("Already submitted: here is your request."),
    "decision": _("Already submitted: here is your decision."),
    "check-in": _("Already submitted: here is your check-in."),
    "inquiry": _("Already submitted: here is your inquiry."),
    "event": _("Already submitted: here is your event."),
    "confirmation": _("Already submitted: here is your confirmation."),
    "account": _("Already submitted: here is your account."),
    "import": _("Already submitted: here is your import."),
}


def _already_submitted(request: HttpRequest, earlier: FormSubmission, noun: str) -> HttpResponse:
    if earlier.user_id != _user_id(request):
        raise PermissionDenied(_("This form was sent from another account: reload the page."))
    message = ALREADY_SUBMITTED.get(noun) or _("Already submitted: here is your %(noun)s.") % {"noun": noun}
    messages.info(request, message)
    return redirect(earlier.target)


def one_time_form(noun: str) -> Callable:
    """Make a creating view safe to POST twice with the same form token (see the module docstring).
    `noun` names what the first submission made, for the message: "request", "inquiry"..."""

    def decorator(view: Callable) -> Callable:
        view_name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            token = request.POST.get(FIELD_NAME, "") if request.method == "POST" else ""
            if not _TOKEN_SHAPE.fullmatch(token):
                if token:
                    logger.warning("Ignoring a malformed form token on %s", view_name)
                return view(request, *args, **kwargs)
            earlier = FormSubmission.objects.filter(token=token).first()
            if earlier is not None:
                return _already_submitted(request, earlier, noun)
            with transaction.atomic():
                try:
                    # First statement of the transaction: SQLite waits for the write lock here
                    # (not deadlocking), PostgreSQL waits on the unique index for a twin POST.
                    with transaction.atomic():
                        claim = FormSubmission.objects.create(
                            token=token, user_id=_user_id(request), view=view_name[:200]
                        )
                except IntegrityError:
                    claim = None
                if claim is None:
                    earlier = FormSubmission.objects.filter(token=token).first()
                    if earlier is not None:
                        return _already_submitted(request, earlier, noun)
                    return view(request, *args, **kwargs)  # the twin's claim vanished: nothing was made
                response = view(request, *args, **kwargs)
                location = response.get("Location", "") if response.status_code in _REDIRECTS else ""
                if location and len(location) <= 500:
                    FormSubmission.objects.filter(pk=claim.pk).update(target=location)
                else:
                    claim.delete()  # nothing was created (the form is shown again): the token stays usable
                return response

        return wrapped

    return decorator


def purge_form_tokens(*, older_than_days: int | None = None) -> int:
    """Delete used tokens older than the retention (FORM_TOKEN_RETENTION_DAYS, 30 by default)."""
    days = older_than_days if older_than_days is not None else getattr(settings, "FORM_TOKEN_RETENTION_DAYS", 30)
    deleted, _ = FormSubmission.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
