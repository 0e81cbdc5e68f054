"""Reading the bulk set-up files (the portal's CSV or OneRoster 1.2) into a plan; see the package docstring."""

from __future__ import annotations

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Membership, OrgUnit, User
from accounts.validators import is_district_email
from core.errors import NotPermitted

from ...models import DirectoryImport
from .._common import DirectoryError

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
        raise NotPermitted(_("Only district admins set up schools and staff in bulk."))


# --- reading the files -----------------------------------------------------------------------------------------


def _rows(name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise DirectoryError(
            _("%(file)s is larger than %(size)s MB.") % {"file": name, "size": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DirectoryError(_("%(file)s is not UTF-8 text (save it as “CSV UTF-8”).") % {"file": name}) from error
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise DirectoryError(_("%(file)s is empty: the first row must name the columns.") % {"file": name})
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            raise DirectoryError(_("%(file)s has more than %(rows)s rows.") % {"file": name, "rows": MAX_ROWS})
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
        raise DirectoryError(_("Choose a units (orgs.csv) file, a staff (users.csv) file, or both."))
    plan = {"units": [], "people": [], "skipped": 0, "warnings": []}
    if units:
        _read_units(plan, *units)
    if staff:
        _read_staff(plan, *staff, roles=roles)
    elif roles:
        raise DirectoryError(_("roles.csv goes with a users.csv file."))
    names = ", ".join(f[0] for f in (units, staff, roles) if f)
    return DirectoryImport.objects.create(created_by=actor, file_names=names[:300], full_roster=full_roster, data=plan)


def _read_units(plan: dict, name: str, data: bytes) -> None:
    header, rows = _rows(name, data)
    if "sourcedId" in header:
        if missing := _missing(header, ["sourcedId", "name", "type"]):
            raise DirectoryError(
                _("%(file)s (OneRoster orgs) lacks the columns: %(columns)s.")
                % {"file": name, "columns": ", ".join(missing)}
            )
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
                _("%(file)s lacks the columns: %(columns)s (expected %(expected)s).")
                % {"file": name, "columns": ", ".join(missing), "expected": ", ".join(UNIT_COLUMNS)}
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
            raise DirectoryError(
                _("%(file)s (OneRoster users) lacks the columns: %(columns)s.")
                % {"file": name, "columns": ", ".join(missing)}
            )
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
                _("%(file)s lacks the columns: %(columns)s (expected %(expected)s).")
                % {"file": name, "columns": ", ".join(missing), "expected": ", ".join(STAFF_COLUMNS)}
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
        raise DirectoryError(
            _("%(file)s (OneRoster roles) lacks the columns: %(columns)s.")
            % {"file": name, "columns": ", ".join(missing)}
        )
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
