"""Shared by the consent services: the refusal and the guards."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from django.utils.translation import gettext

from accounts.models import OrgUnit, User
from core.errors import DomainError, NotPermitted

from .. import rules, selectors
from ..models import Roster, SchoolClass


class ConsentError(DomainError):
    """A refused roster action; str(error) is shown to the user as it is."""


def _require_keeper(actor: User, org_unit_id: int) -> None:
    if not selectors.can_keep(actor, org_unit_id):
        raise NotPermitted(
            gettext("Only the school's principal and its designated office staff keep the consent roster.")
        )


def _check_year(school_year: int) -> None:
    if school_year not in rules.years_open_for_rosters():
        this_year, next_year = (rules.school_year_label(y) for y in rules.years_open_for_rosters())
        raise ConsentError(
            gettext("Rosters are kept for %(year)s or %(next_year)s only.")
            % {"year": this_year, "next_year": next_year},
            problems={"school_year": gettext("Choose another year.")},
        )


def _roster(org_unit: OrgUnit, school_year: int) -> Roster:
    """The roster of a unit and year, created on first use; locked so two imports cannot interleave."""
    roster, _ = Roster.objects.get_or_create(org_unit=org_unit, school_year=school_year)
    return Roster.objects.select_for_update().get(pk=roster.pk)


def _classes(roster: Roster, names: Iterable[str]) -> list[SchoolClass]:
    """The roster's classes of these names (case-insensitive), created when new."""
    existing = {c.name.lower(): c for c in roster.classes.all()}
    result = []
    for name in names:
        school_class = existing.get(name.lower())
        if school_class is None:
            school_class = existing[name.lower()] = SchoolClass.objects.create(roster=roster, name=name)
        result.append(school_class)
    return result


def _drop_empty_classes(roster: Roster) -> None:
    roster.classes.annotate(n=Count("students")).filter(n=0).delete()
