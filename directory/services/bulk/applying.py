"""Applying a previewed import in one transaction, or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import OrgUnit, User
from audit.services import record_event
from core.errors import NotPermitted

from ...models import DirectoryImport, ExternalOrg
from .. import provisioning
from .._common import DirectoryError
from .comparing import _reactivates, _resolve_unit, preview
from .reading import PREVIEW_TTL_SECONDS, _require_admin

# --- applying --------------------------------------------------------------------------------------------------


@transaction.atomic
def apply_import(*, actor: User, batch: DirectoryImport, offboard: list[int] = ()) -> dict:
    """Apply a previewed import, whole or not at all. Allowed: the district admin who uploaded it, once,
    within an hour, with no row in error. `offboard`: ids of absent people (full roster) to deactivate.
    One event for the import (`directory.import_applied`) and one per offboarded person."""
    _require_admin(actor)
    batch = DirectoryImport.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise NotPermitted(_("Only the person who uploaded an import applies it."))
    if batch.status != DirectoryImport.Status.PREVIEWED:
        raise DirectoryError(_("This import was already applied."))
    if (timezone.now() - batch.created_at).total_seconds() > PREVIEW_TTL_SECONDS:
        raise DirectoryError(_("This preview has expired: upload the files again."))
    result = preview(batch)
    if not result.ok:
        raise DirectoryError(
            ngettext(
                "%(count)s row has problems: nothing was imported.",
                "%(count)s rows have problems: nothing was imported.",
                result.error_count,
            )
            % {"count": result.error_count}
        )
    absent_ids = {u.pk for u in result.absent}
    if set(offboard) - absent_ids:
        raise DirectoryError(_("Only people absent from a full roster can be offboarded here."))

    summary = {
        "units_created": [],
        "units_updated": [],
        "people_created": [],
        "people_updated": [],
        "memberships_added": [],
        "memberships_removed": [],
        "offboarded": [],
    }
    units_by_code: dict[str, OrgUnit] = {}
    for row in result.units:
        unit = OrgUnit.objects.select_for_update().get(pk=row["unit_id"]) if row["unit_id"] else None
        if unit is None:
            unit = OrgUnit.objects.create(
                code=row["code"], name=row["name"], kind=row["kind"], website_url=row["website_url"]
            )
            summary["units_created"].append(unit.code)
        elif row["changes"]:
            for name, (_old, new) in row["changes"].items():
                setattr(unit, name, new)
            unit.save()
            summary["units_updated"].append(unit.code)
        if row["sourced_id"]:
            ExternalOrg.objects.update_or_create(sourced_id=row["sourced_id"], defaults={"org_unit": unit})
        units_by_code[row["code"]] = unit
    planned = {}
    for row in result.units:
        for key in (row["code"], row["sourced_id"], row["name"].lower()):
            if key:
                planned[key] = units_by_code[row["code"]]
    for row in result.people:
        user, what = provisioning.ensure_person(
            email=row["email"], first_name=row["first_name"], last_name=row["last_name"]
        )
        if _reactivates(user):
            user.is_active = True
            user.save()
            what = "updated"
        wanted = {}
        for membership in row["memberships"]:
            reference = membership["unit"].strip()
            unit = planned.get(reference) or planned.get(reference.lower())
            if unit is None:
                unit = _resolve_unit(reference, {}, by_sourced_id=row["by_sourced_id"])
            wanted.setdefault((unit.pk, membership["role"]), membership["title"])
        added, removed = provisioning.sync_imported_memberships(user, wanted)
        summary["memberships_added"] += added
        summary["memberships_removed"] += removed
        if what == "created":
            summary["people_created"].append(user.email)
        elif what == "updated" or added or removed:
            summary["people_updated"].append(user.email)
    for user in User.objects.filter(pk__in=offboard).order_by("email"):
        provisioning.offboard_user(actor=actor, user=user, reason=f"absent from the full staff import {batch.pk}")
        summary["offboarded"].append(user.email)
    batch.status = DirectoryImport.Status.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = {key: len(value) for key, value in summary.items()}
    batch.save(update_fields=["status", "applied_at", "summary"])
    record_event(
        actor=actor,
        action="directory.import_applied",
        target=batch,
        details={"files": batch.file_names, "counts": batch.summary, **{k: v[:200] for k, v in summary.items()}},
    )
    return batch.summary
