"""Bulk set-up without SCIM: schools, departments and staff from CSV files.

Two formats, told apart by their header row:
- the portal's own: `units.csv` (code, name, kind, website_url) and `staff.csv` (email, first_name,
  last_name, unit, role, title: one row per membership, `unit` a code or a name);
- OneRoster 1.2: `orgs.csv` (sourcedId, name, type, identifier, ...), `users.csv` (sourcedId,
  enabledUser, givenName, familyName, email, primaryOrgSourcedId, ...; OneRoster 1.1's `role` and
  `orgSourcedIds` columns are read when present) and, optionally, `roles.csv` (userSourcedId, role,
  orgSourcedId). Students, parents and guardians are skipped; principals and school administrators
  become approvers of their org, other staff its employees. A `password` column is never read.

The flow: `read_upload` parses the files into a plan (no database writes but the DirectoryImport row
that keeps it), `preview` compares the plan with the database (per-row errors, what would be created,
changed or removed, and, for a full roster, who is absent), and `apply_import` does it all in one
transaction, or nothing when any row has a problem. Running the same files again changes nothing.
People absent from a full roster are offboarded (deactivated) only when the admin ticks them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Membership, OrgUnit, User
from accounts.validators import is_district_email
from audit.services import record_event
from core.errors import NotPermitted

from ..models import DirectoryImport, DirectoryUser, ExternalOrg
from . import provisioning
from ._common import DirectoryError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
PREVIEW_TTL_SECONDS = 60 * 60

UNIT_COLUMNS = ["code", "name", "kind", "website_url"]
STAFF_COLUMNS = ["email", "first_name", "last_name", "unit", "role", "title"]
ORG_KIND = {
    "school": OrgUnit.Kind.SCHOOL,
    "department": OrgUnit.Kind.DEPARTMENT,
    "district": OrgUnit.Kind.DISTRICT_OFFICE,
    "local": OrgUnit.Kind.DISTRICT_OFFICE,
    "state": OrgUnit.Kind.DISTRICT_OFFICE,
    "national": OrgUnit.Kind.DISTRICT_OFFICE,
}
# OneRoster roles: who decides for their org (AP 1311 §1.4.6: principals and supervisors approve).
APPROVER_ROLES = {"principal", "administrator", "siteadministrator"}
NOT_STAFF_ROLES = {"student", "parent", "guardian", "relative"}
ROLE_ALIASES = {
    "employee": Membership.Role.EMPLOYEE,
    "staff": Membership.Role.EMPLOYEE,
    "approver": Membership.Role.APPROVER,
    "principal": Membership.Role.APPROVER,
    "supervisor": Membership.Role.APPROVER,
}


def _require_admin(actor: User) -> None:
    if not (actor.is_authenticated and actor.is_district_admin):
        raise NotPermitted("Only district admins set up schools and staff in bulk.")


# --- reading the files -----------------------------------------------------------------------------------------


def _rows(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise DirectoryError(f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DirectoryError(f"{name} is not UTF-8 text (save it as 'CSV UTF-8').") from error
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise DirectoryError(f"{name} is empty: the first row must name the columns.")
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise DirectoryError(f"{name} has more than {MAX_ROWS} rows.")
        values = {k: (v or "").strip() for k, v in row.items() if k and k.lower() != "password"}
        if any(values.values()):
            rows.append((number, values))
    return header, rows


def _missing(header: list[str], needed: list[str]) -> list[str]:
    return [c for c in needed if c not in header]


def read_upload(
    *,
    actor: User,
    units: tuple[str, bytes] | None,
    staff: tuple[str, bytes] | None,
    roles: tuple[str, bytes] | None,
    full_roster: bool,
) -> DirectoryImport:
    """Parse the uploaded files (each `(name, bytes)`) into a plan kept as a DirectoryImport (status
    previewed). Refused, with a message for the upload form: a file that is not CSV text, lacks its
    required columns or is too large. Problems of single rows are not refusals: the preview shows them."""
    _require_admin(actor)
    if not units and not staff:
        raise DirectoryError("Choose a units (orgs.csv) file, a staff (users.csv) file, or both.")
    plan = {"units": [], "people": [], "skipped": 0, "warnings": []}
    if units:
        _read_units(plan, *units)
    if staff:
        _read_staff(plan, *staff, roles=roles)
    elif roles:
        raise DirectoryError("roles.csv goes with a users.csv file.")
    names = ", ".join(f[0] for f in (units, staff, roles) if f)
    return DirectoryImport.objects.create(created_by=actor, file_names=names[:300], full_roster=full_roster, data=plan)


def _read_units(plan: dict, name: str, data: bytes) -> None:
    header, rows = _rows(name, data)
    if "sourcedId" in header:
        if missing := _missing(header, ["sourcedId", "name", "type"]):
            raise DirectoryError(f"{name} (OneRoster orgs) lacks the columns: {', '.join(missing)}.")
        for line, row in rows:
            if row.get("status", "").lower() == "tobedeleted":
                plan["skipped"] += 1
                continue
            org_type = row.get("type", "").lower()
            unit = {
                "file": name,
                "line": line,
                "sourced_id": row["sourcedId"],
                "code": slugify(row.get("identifier") or row["sourcedId"])[:40],
                "name": row.get("name", ""),
                "kind": ORG_KIND.get(org_type, ""),
                "website_url": "",
                "errors": [],
            }
            if not unit["kind"]:
                unit["errors"].append(f"type {row.get('type')!r} is not school, department or district")
            plan["units"].append(unit)
    else:
        if missing := _missing(header, ["code", "name"]):
            raise DirectoryError(
                f"{name} lacks the columns: {', '.join(missing)} (expected {', '.join(UNIT_COLUMNS)})."
            )
        for line, row in rows:
            kind = (row.get("kind") or OrgUnit.Kind.SCHOOL).lower().replace(" ", "_")
            unit = {
                "file": name,
                "line": line,
                "sourced_id": "",
                "code": slugify(row["code"])[:40],
                "name": row.get("name", ""),
                "kind": kind if kind in OrgUnit.Kind.values else "",
                "website_url": row.get("website_url", ""),
                "errors": [],
            }
            if not unit["kind"]:
                unit["errors"].append(f"kind {row.get('kind')!r} is not one of {', '.join(OrgUnit.Kind.values)}")
            plan["units"].append(unit)
    seen_codes, seen_names = set(), set()
    for unit in plan["units"]:
        if not unit["code"]:
            unit["errors"].append("a code (or identifier) is required")
        if not unit["name"]:
            unit["errors"].append("a name is required")
        if unit["code"] in seen_codes:
            unit["errors"].append(f"code {unit['code']!r} appears twice")
        if unit["name"].lower() in seen_names:
            unit["errors"].append(f"name {unit['name']!r} appears twice")
        seen_codes.add(unit["code"])
        seen_names.add(unit["name"].lower())


def _oneroster_role(value: str) -> str | None:
    role = value.strip().lower()
    if role in NOT_STAFF_ROLES:
        return None
    return Membership.Role.APPROVER if role in APPROVER_ROLES else Membership.Role.EMPLOYEE


def _read_staff(plan: dict, name: str, data: bytes, *, roles: tuple[str, bytes] | None) -> None:
    header, rows = _rows(name, data)
    people: dict[str, dict] = {}
    if "sourcedId" in header:
        if missing := _missing(header, ["sourcedId", "givenName", "familyName", "email"]):
            raise DirectoryError(f"{name} (OneRoster users) lacks the columns: {', '.join(missing)}.")
        role_rows = _read_roles(*roles) if roles else None
        if role_rows is None and "role" not in header:
            plan["warnings"].append(
                "No roles.csv and no role column: everyone in users.csv is read as staff of their primary org. "
                "Add roles.csv to tell staff from students and principals."
            )
        for line, row in rows:
            if row.get("status", "").lower() == "tobedeleted" or row.get("enabledUser", "true").lower() == "false":
                plan["skipped"] += 1
                continue
            memberships = []
            if role_rows is not None:
                for role_value, org in role_rows.get(row["sourcedId"], []):
                    role = _oneroster_role(role_value)
                    if role:
                        memberships.append({"unit": org, "role": role, "title": role_value})
                if not memberships:
                    plan["skipped"] += 1  # students, parents, people without a staff role
                    continue
            elif "role" in header:
                role = _oneroster_role(row.get("role", ""))
                if role is None:
                    plan["skipped"] += 1
                    continue
                orgs = [o.strip() for o in row.get("orgSourcedIds", "").split(",") if o.strip()]
                orgs = orgs or [row.get("primaryOrgSourcedId", "")]
                memberships = [{"unit": o, "role": role, "title": row.get("role", "")} for o in orgs if o]
            elif row.get("primaryOrgSourcedId"):
                memberships = [{"unit": row["primaryOrgSourcedId"], "role": Membership.Role.EMPLOYEE, "title": ""}]
            _add_person(
                people,
                name,
                line,
                row.get("email", ""),
                row.get("givenName", ""),
                row.get("familyName", ""),
                memberships,
                by_sourced_id=True,
            )
    else:
        if missing := _missing(header, ["email", "unit"]):
            raise DirectoryError(
                f"{name} lacks the columns: {', '.join(missing)} (expected {', '.join(STAFF_COLUMNS)})."
            )
        for line, row in rows:
            role_value = (row.get("role") or "employee").strip().lower()
            role = ROLE_ALIASES.get(role_value)
            membership = {"unit": row.get("unit", ""), "role": role or "", "title": row.get("title", "")}
            person = _add_person(
                people,
                name,
                line,
                row.get("email", ""),
                row.get("first_name", ""),
                row.get("last_name", ""),
                [membership],
                by_sourced_id=False,
            )
            if role is None:
                person["errors"].append(f"line {line}: role {row.get('role')!r} is not employee or approver")
    plan["people"] = list(people.values())


def _read_roles(name: str, data: bytes) -> dict[str, list[tuple[str, str]]]:
    header, rows = _rows(name, data)
    if missing := _missing(header, ["userSourcedId", "role", "orgSourcedId"]):
        raise DirectoryError(f"{name} (OneRoster roles) lacks the columns: {', '.join(missing)}.")
    roles: dict[str, list[tuple[str, str]]] = {}
    for _line, row in rows:
        if row.get("status", "").lower() == "tobedeleted":
            continue
        roles.setdefault(row["userSourcedId"], []).append((row["role"], row["orgSourcedId"]))
    return roles


def _add_person(people, file_name, line, email, first, last, memberships, *, by_sourced_id: bool) -> dict:
    key = email.strip().lower()
    person = people.get(key)
    if person is None:
        person = people[key] = {
            "file": file_name,
            "line": line,
            "email": key,
            "first_name": first,
            "last_name": last,
            "memberships": [],
            "by_sourced_id": by_sourced_id,
            "errors": [],
        }
        if not key:
            person["errors"].append("an e-mail address is required")
        elif not is_district_email(key):
            person["errors"].append(f"{key} is not a district e-mail address (AP 1311 §1.1.1)")
    person["memberships"] += memberships
    return person


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


# --- applying --------------------------------------------------------------------------------------------------


@transaction.atomic
def apply_import(*, actor: User, batch: DirectoryImport, offboard: list[int] = ()) -> dict:
    """Apply a previewed import, whole or not at all. Allowed: the district admin who uploaded it, once,
    within an hour, with no row in error. `offboard`: ids of absent people (full roster) to deactivate.
    One event for the import (`directory.import_applied`) and one per offboarded person."""
    _require_admin(actor)
    batch = DirectoryImport.objects.select_for_update().get(pk=batch.pk)
    if batch.created_by_id != actor.pk:
        raise NotPermitted("Only the person who uploaded an import applies it.")
    if batch.status != DirectoryImport.Status.PREVIEWED:
        raise DirectoryError("This import was already applied.")
    if (timezone.now() - batch.created_at).total_seconds() > PREVIEW_TTL_SECONDS:
        raise DirectoryError("This preview has expired: upload the files again.")
    result = preview(batch)
    if not result.ok:
        raise DirectoryError(f"{result.error_count} row(s) have problems: nothing was imported.")
    absent_ids = {u.pk for u in result.absent}
    if set(offboard) - absent_ids:
        raise DirectoryError("Only people absent from a full roster can be offboarded here.")

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
