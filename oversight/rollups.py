"""The dashboard's rollup (models.UnitRollup), kept current by the code that changes the data.

Every change to what a unit's figures count marks the unit's row: each service's audit event (every
state change records one, `audit.signals.event_recorded`, inside its transaction), saves and deletes
of the counted models (the admin, imports, fixtures), and the moderation sweep, which records missed
periods in bulk. A mark is one `UPDATE ... SET changes = changes + 1` in the same transaction as the
change, so it commits or rolls back with it.

Reading (`current_rollups`) recomputes, with the live grouped queries of reports.district_figures,
only the rows that are missing, marked since computed, or computed on another district day (the 30/90
day windows and "overdue" move at midnight), then the view sums rows. So the first dashboard view of a
day pays for the district once, and every other view for what changed.

No change is lost to a race: a row's `changes` is read before its figures are computed and stored as
`computed_changes` with them (never written by the refresh itself), so a change committed meanwhile
leaves the row marked, and the next view computes it again.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from accounts.models import OrgUnit
from approvals.models import AccountRequest
from registry.models import RegistryEntry

from .models import UnitRollup
from .reports import FIGURE_NAMES, district_figures

FIGURE_FIELDS = [name for name in FIGURE_NAMES if name != "comments"]  # comments: three columns
# Sweeps that bulk-write rows the figures count without a per-row signal (missed check-ins, §1.4.3).
BULK_WRITING_SWEEPS = {"moderation"}
# Audit actions that read or export and change nothing the figures count.
READ_ONLY_ACTIONS = ("exported", "credentials_revealed", "viewed", "looked_up")


def mark_changed(unit_ids: Iterable[int] | None) -> None:
    """The figures of these units (None: every unit) are out of date."""
    rows = UnitRollup.objects.all()
    if unit_ids is not None:
        unit_ids = {u for u in unit_ids if u is not None}
        if not unit_ids:
            return
        rows = rows.filter(unit_id__in=unit_ids)
    rows.update(changes=F("changes") + 1)


def current_rollups(units: QuerySet[OrgUnit], today=None) -> QuerySet[UnitRollup]:
    """The rollup rows of `units`, each brought up to date first if it has to be."""
    today = today or timezone.localdate()
    rows = UnitRollup.objects.filter(unit__in=units.values("pk"))
    # One query finds the units whose row is missing (changes: None) or out of date.
    stale = dict(
        units.filter(
            Q(dashboard_rollup__isnull=True)
            | ~Q(dashboard_rollup__for_day=today)
            | ~Q(dashboard_rollup__changes=F("dashboard_rollup__computed_changes"))
        ).values_list("pk", "dashboard_rollup__changes")
    )
    missing = [pk for pk, changes in stale.items() if changes is None]
    if missing:
        UnitRollup.objects.bulk_create([UnitRollup(unit_id=pk) for pk in missing], ignore_conflicts=True)
        # A row just made starts at changes=1; a change marked from now on bumps it past that.
        stale.update(dict(UnitRollup.objects.filter(unit_id__in=missing).values_list("unit_id", "changes")))
    if stale:
        refresh(stale, today)
    return rows


def unit_version(unit: OrgUnit) -> int:
    """A number that changes whenever the unit's data does (its rollup row's `changes`): the version of
    anything cached per unit, such as its compliance report."""
    UnitRollup.objects.bulk_create([UnitRollup(unit=unit)], ignore_conflicts=True)
    return UnitRollup.objects.filter(unit=unit).values_list("changes", flat=True).get()


def refresh(changes_by_unit: dict[int, int], today) -> None:
    """Compute the figures of these units (with the `changes` each had before) and store them."""
    now = timezone.now()
    figures = district_figures(OrgUnit.objects.filter(pk__in=list(changes_by_unit)), today=today)
    new = []
    for f in figures:
        row = UnitRollup(
            unit_id=f.unit.pk,
            for_day=today,
            computed_changes=changes_by_unit[f.unit.pk],
            computed_at=now,
            comments_off=f.comments["off"],
            comments_moderated=f.comments["moderated"],
            comments_on=f.comments["on"],
            **{name: getattr(f, name) for name in FIGURE_FIELDS},
        )
        new.append(row)
    update = ["for_day", "computed_changes", "computed_at", "comments_off", "comments_moderated", "comments_on"]
    with transaction.atomic():
        UnitRollup.objects.bulk_create(
            new,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["unit"],
            update_fields=update + FIGURE_FIELDS,
        )


# --- receivers (connected in apps.py) ----------------------------------------------------------------------


def on_audit_event(sender, event, **kwargs) -> None:
    if event.action.rsplit(".", 1)[-1] in READ_ONLY_ACTIONS:
        return
    # An event without a unit (a district-wide import, an admin change to a platform) may touch any unit.
    mark_changed([event.org_unit_id] if event.org_unit_id else None)


def on_entry_saved(sender, instance, **kwargs) -> None:
    mark_changed([instance.org_unit_id])


def on_request_saved(sender, instance, **kwargs) -> None:
    mark_changed([instance.org_unit_id])


def on_checkin_saved(sender, instance, **kwargs) -> None:
    # The unit through the entry, inside the same UPDATE (no query to fetch it).
    UnitRollup.objects.filter(
        unit_id__in=RegistryEntry.objects.filter(pk=instance.entry_id).values("org_unit_id")
    ).update(changes=F("changes") + 1)


def on_acknowledgement_saved(sender, instance, **kwargs) -> None:
    UnitRollup.objects.filter(
        unit_id__in=AccountRequest.objects.filter(pk=instance.request_id).values("org_unit_id")
    ).update(changes=F("changes") + 1)


def on_sweep_run(sender, instance, created, **kwargs) -> None:
    if created and not instance.dry_run and instance.name in BULK_WRITING_SWEEPS:
        mark_changed(None)
