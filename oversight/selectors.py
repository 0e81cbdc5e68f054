"""Who may open the oversight pages: the one place that answers it for this app."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import OrgUnit
from accounts.selectors import is_approver, units_approved_by


def can_view_oversight(user) -> bool:
    """The dashboard and compliance reports: approvers (their units) and district admins (every unit)."""
    return is_approver(user)


def units_overseen_by(user) -> QuerySet[OrgUnit]:
    return units_approved_by(user)


def unit_for_report(user, code: str) -> OrgUnit:
    """The unit whose compliance report the user may read (404 for any other: outsiders learn nothing)."""
    unit = units_overseen_by(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit
