"""Comparing a plan with the database: the preview (per-row errors, what would change, who is absent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Membership, OrgUnit, User

from ...models import DirectoryImport, DirectoryUser, ExternalOrg

# --- comparing with the database -------------------------------------------------------------------------------


@dataclass
class Preview:
    batch: DirectoryImport
    units: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    absent: list[User] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.units + self.people if row["errors"])

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def count(self, rows: str, action: str) -> int:
        return sum(1 for row in getattr(self, rows) if row["action"] == action)

    @property
    def changes(self) -> int:
        return sum(1 for row in self.units + self.people if row["action"] != "unchanged")


def _unit_for(unit_row: dict) -> OrgUnit | None:
    if unit_row["sourced_id"]:
        link = ExternalOrg.objects.filter(sourced_id=unit_row["sourced_id"]).select_related("org_unit").first()
        if link:
            return link.org_unit
    return (
        OrgUnit.objects.filter(code=unit_row["code"]).first()
        or OrgUnit.objects.filter(name__iexact=unit_row["name"]).first()
    )


def preview(batch: DirectoryImport) -> Preview:
    """What applying `batch` would do now: per row an action (create, update, unchanged) and its
    problems; for a full roster, the active staff absent from it."""
    plan = batch.data
    result = Preview(batch=batch, warnings=list(plan.get("warnings", [])), skipped=plan.get("skipped", 0))
    # Units of this upload, by code and by OneRoster id, for the staff rows that name them.
    planned_units: dict[str, dict] = {}
    for row in plan["units"]:
        row = {**row, "errors": list(row["errors"])}
        existing = _unit_for(row)
        row["unit_id"] = existing.pk if existing else None
        if existing is None:
            row["action"] = "create"
            if row["name"] and OrgUnit.objects.filter(name__iexact=row["name"]).exists():
                row["errors"].append(f"another unit is already named {row['name']!r}")
        else:
            if OrgUnit.objects.filter(code=row["code"]).exclude(pk=existing.pk).exists():
                row["errors"].append(f"code {row['code']!r} belongs to another unit")
            if OrgUnit.objects.filter(name__iexact=row["name"]).exclude(pk=existing.pk).exists():
                row["errors"].append(f"another unit is already named {row['name']!r}")
            row["changes"] = _unit_changes(existing, row)
            row["action"] = "update" if row["changes"] or (row["sourced_id"] and not _linked(row)) else "unchanged"
        result.units.append(row)
        for key in (row["code"], row["sourced_id"], row["name"].lower()):
            if key:
                planned_units[key] = row
    emails = set()
    for row in plan["people"]:
        row = {**row, "errors": list(row["errors"])}
        emails.add(row["email"])
        wanted, labels = {}, []
        for membership in row["memberships"]:
            unit = _resolve_unit(membership["unit"], planned_units, by_sourced_id=row["by_sourced_id"])
            if unit is None:
                row["errors"].append(f"unit {membership['unit']!r} is neither in the units file nor in the portal")
                continue
            if isinstance(unit, dict):
                if unit["errors"]:
                    row["errors"].append(f"unit {unit['code']!r} has problems in its own file")
                labels.append(
                    f"{dict(Membership.Role.choices).get(membership['role'], membership['role'])} of {unit['name']}"
                )
                wanted[(f"new:{unit['code']}" if unit["unit_id"] is None else unit["unit_id"], membership["role"])] = (
                    membership["title"]
                )
            else:
                labels.append(
                    f"{dict(Membership.Role.choices).get(membership['role'], membership['role'])} of {unit.name}"
                )
                wanted[(unit.pk, membership["role"])] = membership["title"]
        row["membership_labels"] = sorted(set(labels))
        user = User.objects.filter(email__iexact=row["email"]).first() if row["email"] else None
        row["user_id"] = user.pk if user else None
        if user is None:
            row["action"] = "create"
            row["changes"] = {}
        else:
            row["changes"] = _person_changes(user, row, wanted)
            row["action"] = "update" if row["changes"] else "unchanged"
        result.people.append(row)
    if batch.full_roster and plan["people"]:
        result.absent = list(absent_staff(batch.created_by, emails))
    return result


def _linked(unit_row: dict) -> bool:
    return ExternalOrg.objects.filter(sourced_id=unit_row["sourced_id"], org_unit_id=unit_row["unit_id"]).exists()


def _unit_changes(unit: OrgUnit, row: dict) -> dict:
    changes = {}
    for name in ("code", "name", "kind"):
        if row[name] and getattr(unit, name) != row[name]:
            changes[name] = [getattr(unit, name), row[name]]
    if row["website_url"] and unit.website_url != row["website_url"]:
        changes["website_url"] = [unit.website_url, row["website_url"]]
    return changes


def _resolve_unit(reference: str, planned: dict[str, dict], *, by_sourced_id: bool):
    reference = (reference or "").strip()
    if not reference:
        return None
    if reference in planned or reference.lower() in planned:
        return planned.get(reference) or planned.get(reference.lower())
    if by_sourced_id:
        link = ExternalOrg.objects.filter(sourced_id=reference).select_related("org_unit").first()
        return link.org_unit if link else None
    return OrgUnit.objects.filter(code=reference).first() or OrgUnit.objects.filter(name__iexact=reference).first()


def _person_changes(user: User, row: dict, wanted: dict) -> dict:
    """What applying the row would change for an existing person (empty: nothing)."""
    changes = {}
    for name in ("first_name", "last_name"):
        if row[name] and getattr(user, name) != row[name]:
            changes[name] = [getattr(user, name), row[name]]
    if _reactivates(user):
        changes["active"] = [False, True]
    memberships = Membership.objects.filter(user=user).select_related("managed_by")
    held = {(m.org_unit_id, m.role) for m in memberships}
    tracked = {(m.org_unit_id, m.role) for m in memberships if hasattr(m, "managed_by")}
    imported = {
        (m.org_unit_id, m.role) for m in memberships if hasattr(m, "managed_by") and m.managed_by.connection_id is None
    }
    added = [key for key in wanted if isinstance(key[0], str) or key not in held]
    adopted = [key for key in wanted if key in held and key not in tracked]
    removed = [key for key in imported if key not in wanted]
    if added or adopted or removed:
        changes["memberships"] = {"added": len(added), "removed": len(removed)}
    return changes


def _reactivates(user: User) -> bool:
    """A deactivated person listed in the staff file comes back, unless a SCIM connection manages them
    (their directory decides)."""
    return not user.is_active and not DirectoryUser.objects.filter(user=user).exists()


def absent_staff(actor: User, emails: set[str]):
    """Active staff (people with a membership) missing from a full roster: the ones who may be
    offboarded. District admins, the importer and people a SCIM connection manages are never listed."""
    return (
        User.objects.filter(is_active=True, is_district_admin=False, is_superuser=False, memberships__isnull=False)
        .exclude(pk=actor.pk)
        .exclude(pk__in=DirectoryUser.objects.values("user_id"))
        .exclude(email__in=emails)
        .distinct()
        .order_by("email")
    )
