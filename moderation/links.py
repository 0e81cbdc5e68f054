"""Signed, expiring, single-purpose links for one-click check-ins from the reminder e-mail.

A link names one account, one person and one period. It lets that person record that one
check-in without a password and does nothing else: it does not sign them in.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError

SALT = "moderation.checkin-link.v1"


class BadLink(DomainError):
    """The link was altered, is for something else, or has expired (`expired` tells which)."""

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class LinkPayload:
    entry_id: int
    user_id: int
    period_start: date


def make_token(*, entry_id: int, user_id: int, period_start: date) -> str:
    return signing.dumps({"e": entry_id, "u": user_id, "p": period_start.isoformat()}, salt=SALT, compress=True)


def checkin_url(*, entry_id: int, user_id: int, period_start: date) -> str:
    token = make_token(entry_id=entry_id, user_id=user_id, period_start=period_start)
    return reverse("moderation:link", kwargs={"token": token})


def read_token(token: str) -> LinkPayload:
    max_age = settings.PORTAL["CHECKIN_LINK_MAX_AGE_HOURS"] * 3600
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink(_("This check-in link has expired."), expired=True) from None
    except signing.BadSignature:
        raise BadLink(_("This check-in link is not valid.")) from None
    try:
        return LinkPayload(entry_id=int(data["e"]), user_id=int(data["u"]), period_start=date.fromisoformat(data["p"]))
    except (KeyError, TypeError, ValueError):
        raise BadLink(_("This check-in link is not valid.")) from None
