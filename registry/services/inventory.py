"""The registry as a spreadsheet: importing an older list of accounts, exporting the list (§1.4.5).

An import is previewed (every row checked, nothing saved), then confirmed (every row checked again,
and all are saved or none). Each row is checked by the same rules as a registration
(`lifecycle.entry_problems`) and saved by the same path (`lifecycle.create_entry`). Between preview
and confirm, the uploaded text travels encrypted (`seal_import`, `unseal_import`): it may hold
passwords and is never stored in clear.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_variables

from accounts.models import OrgUnit, User
from accounts.selectors import units_approved_by
from audit.services import record_event
from catalogue.models import Platform
from core.http import safe_csv_cell

from .. import selectors
from ..fields import get_fernet
from ..models import PasswordChange, RegistryEntry
from ._common import RegistryError, entry_url, next_review, notify_all, today
from .lifecycle import NewEntry, create_entry, entry_problems, notify_confirmers

MAX_IMPORT_BYTES = 1024 * 1024
MAX_IMPORT_ROWS = 2000
IMPORT_CONTENT_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", ""}
IMPORT_TTL_SECONDS = 30 * 60  # how long a preview may be confirmed

IMPORT_COLUMNS = [
    "unit",
    "platform",
    "handle",
    "url",
    "site_name",
    "owner_email",
    "co_admin_emails",
    "login_username",
    "login_email",
    "recovery_email",
    "password",
    "privacy",
    "comment_setting",
    "last_reviewed",
    "identification_text",
    "school_website_url",
]
REQUIRED_IMPORT_COLUMNS = ["unit", "platform", "handle", "owner_email", "login_username", "login_email"]
# The NewEntry field a column fills, where the names differ (the problems of a row are kept per field).
_FIELD_OF_COLUMN = {"unit": "org_unit", "owner_email": "owner", "co_admin_emails": "co_admins"}


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # The account the row describes (never shown: its password stays hidden, as in `values`).
    new: NewEntry | None = None
    # It names the importer as owner or co-admin: it waits for another approver (§1.4.6).
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_password(self) -> bool:
        return bool(self.values.get("password"))

    def __repr__(self) -> str:  # never the password
        return f"<ImportRow line={self.line} handle={self.values.get('handle')!r} errors={len(self.errors)}>"


@dataclass
class ImportResult:
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)  # file-level problems
    created: list[RegistryEntry] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for r in self.rows if not r.ok)

    @property
    def to_confirm_count(self) -> int:
        """Rows that will wait for another approver's confirmation (§1.4.6)."""
        return sum(1 for r in self.rows if r.needs_confirmation)


@sensitive_variables("raw")
def read_csv_upload(uploaded_file) -> str:
    """The text of an uploaded CSV file; refuses other types, files over 1 MB and undecodable text."""
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if not name.endswith(".csv"):
        raise RegistryError(_("Upload a .csv file (save the spreadsheet as CSV first)."))
    content_type = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in IMPORT_CONTENT_TYPES:
        raise RegistryError(_("That file is not a CSV file."))
    if uploaded_file.size > MAX_IMPORT_BYTES:
        raise RegistryError(_("That file is larger than 1 MB: split it into smaller files."))
    raw = uploaded_file.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        raise RegistryError(_("That file is larger than 1 MB: split it into smaller files."))
    if b"\x00" in raw:
        raise RegistryError(_("That file is not a CSV text file."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegistryError(_("Save the CSV file as UTF-8 text and upload it again.")) from error


@sensitive_variables("csv_text", "data")
def seal_import(user: User, csv_text: str, name: str) -> str:
    """The uploaded file, encrypted for the confirm step (it may hold passwords: never stored in clear)."""
    data = json.dumps({"u": user.pk, "n": name, "csv": csv_text}).encode("utf-8")
    return get_fernet().encrypt(data).decode("ascii")


@sensitive_variables("token", "data")
def unseal_import(user: User, token: str) -> tuple[str, str]:
    """(csv_text, file name) of a preview sealed for `user` less than IMPORT_TTL_SECONDS ago."""
    try:
        data = json.loads(get_fernet().decrypt(token.encode("ascii"), ttl=IMPORT_TTL_SECONDS))
    except (InvalidToken, ValueError, UnicodeError) as error:
        raise RegistryError(_("This preview has expired: upload the file again.")) from error
    if not isinstance(data, dict) or data.get("u") != user.pk:
        raise RegistryError(_("This preview belongs to someone else: upload the file again."))
    return data["csv"], data.get("n", "")


@sensitive_variables("csv_text", "reader", "raw", "values", "row", "result")
def _parse_import(*, actor: User, csv_text: str) -> ImportResult:
    result = ImportResult(rows=[])
    try:
        reader = csv.DictReader(io.StringIO(csv_text))
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        result.errors.append(_("The file cannot be read as CSV (%(error)s).") % {"error": error})
        return result
    missing = [c for c in REQUIRED_IMPORT_COLUMNS if c not in header]
    if missing:
        result.errors.append(
            ngettext(
                "Missing column: %(missing)s. Expected columns: %(expected)s.",
                "Missing columns: %(missing)s. Expected columns: %(expected)s.",
                len(missing),
            )
            % {"missing": ", ".join(missing), "expected": ", ".join(IMPORT_COLUMNS)}
        )
        return result
    reader.fieldnames = header
    units = {u.code.lower(): u for u in units_approved_by(actor)}
    units.update({u.name.lower(): u for u in units.values()})
    platforms = {p.name.lower(): p for p in Platform.objects.all()}
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, raw in enumerate(reader, start=2):
            if len(result.rows) >= MAX_IMPORT_ROWS:
                result.errors.append(_("The file has more than %(max)s rows: split it.") % {"max": MAX_IMPORT_ROWS})
                break
            values = {k: (v or "").strip() for k, v in raw.items() if k in IMPORT_COLUMNS and isinstance(v, str)}
            if not any(values.values()):
                continue
            row = ImportRow(line=line, values=values)
            result.rows.append(row)
            _check_import_row(row, actor=actor, units=units, platforms=platforms, seen=seen)
    except csv.Error as error:
        result.errors.append(_("The file cannot be read as CSV (%(error)s).") % {"error": error})
    if not result.rows and not result.errors:
        result.errors.append(_("The file has no account rows."))
    return result


@sensitive_variables("row", "v")
def _check_import_row(
    row: ImportRow,
    *,
    actor: User,
    units: dict[str, OrgUnit],
    platforms: dict[str, Platform],
    seen: dict[tuple[int, str], int],
) -> None:
    """Read one row into `row.new` and list its problems in `row.errors`: first what only a file can get
    wrong (empty cells, names that match nothing, a handle twice in the file, a review date), then every
    rule of a registration (`entry_problems`). One message per field."""
    v = row.values
    problems: dict[str, str] = {}
    for column in REQUIRED_IMPORT_COLUMNS:
        if not v.get(column):
            problems[_FIELD_OF_COLUMN.get(column, column)] = _("%(column)s is empty.") % {"column": column}
    org_unit = units.get(v.get("unit", "").lower())
    if v.get("unit") and org_unit is None:
        problems["org_unit"] = _("Unit “%(unit)s” is not one whose registry you keep.") % {"unit": v["unit"]}
    platform = platforms.get(v.get("platform", "").lower())
    if v.get("platform") and platform is None:
        problems["platform"] = _("Platform “%(platform)s” is unknown: a district admin adds platforms (§1.4.7).") % {
            "platform": v["platform"]
        }
    owner = None
    if v.get("owner_email"):
        owner = User.objects.filter(email__iexact=v["owner_email"]).first()
        if owner is None:
            problems["owner"] = _("No active staff member has the address %(email)s.") % {"email": v["owner_email"]}
    co_admins = []
    for email in v.get("co_admin_emails", "").replace(";", " ").replace(",", " ").split():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            problems.setdefault("co_admins", _("Co-admin %(email)s is not an active staff member.") % {"email": email})
        else:
            co_admins.append(user)
    last_reviewed = None
    if v.get("last_reviewed"):
        try:
            last_reviewed = datetime.date.fromisoformat(v["last_reviewed"])
        except ValueError:
            problems["last_reviewed"] = _("last_reviewed must be a date like 2025-09-30.")
        else:
            # A review cannot be in the future (and a year-9999 date overflowed the next due date: a 500).
            if last_reviewed > today():
                problems["last_reviewed"] = _("last_reviewed cannot be in the future.")
                last_reviewed = None
    row.new = new = NewEntry(
        org_unit=org_unit,
        platform=platform,
        owner=owner,
        name=v.get("site_name", ""),
        handle=v.get("handle", ""),
        url=v.get("url", ""),
        login_username=v.get("login_username", ""),
        login_email=v.get("login_email", ""),
        recovery_email=v.get("recovery_email", ""),
        password=v.get("password", ""),
        privacy=v.get("privacy") or RegistryEntry.Privacy.PRIVATE,
        comment_setting=v.get("comment_setting") or RegistryEntry.Comments.OFF,
        co_admins=co_admins,
        last_reviewed=last_reviewed,
        identification_text=v.get("identification_text", ""),
        school_website_url=v.get("school_website_url", ""),
    )
    row.needs_confirmation = selectors.import_needs_second_approver(actor, new.owner, new.co_admins)
    v.update(handle=new.handle, privacy=new.privacy, comment_setting=new.comment_setting)
    if new.handle and platform is not None:
        key = (platform.pk, new.handle.lower())
        if key in seen:
            problems.setdefault(
                "handle",
                _("@%(handle)s on %(platform)s appears twice in the file (line %(line)s).")
                % {"handle": new.handle, "platform": platform, "line": seen[key]},
            )
        else:
            seen[key] = row.line
    for name, message in entry_problems(new).items():
        problems.setdefault(name, message)
    row.errors = list(problems.values())


# Topmost, so that the transaction wrapper's frame is hidden from error reports as well.
@sensitive_variables()
@transaction.atomic
def import_registry_csv(*, actor: User, csv_text: str, dry_run: bool = True, source: str = "") -> ImportResult:
    """Import accounts that predate the portal from CSV (columns: IMPORT_COLUMNS).

    With `dry_run` (the preview) nothing is saved and every row carries its errors. Without it, the rows
    are validated again and either all are saved or, on any error, none (RegistryError).
    Who: district admins and approvers, for the units they keep. Every row meets the rules of a
    registration (§1.1.1, §1.4.3, §1.4.5, §1.4.7). A row naming the importer as owner or co-admin enters
    the registry awaiting confirmation by another approver of the unit or a district admin (§1.4.6:
    nobody approves their own account); it cannot be revealed or counted until then.
    Side effects: one audit event per account created (never the password); each owner is told, and the
    people who may confirm a pending account.
    """
    if not selectors.can_import(actor):
        raise RegistryError(_("Only principals, supervisors and district admins can import accounts."))
    result = _parse_import(actor=actor, csv_text=csv_text)
    if dry_run:
        return result
    if not result.ok:
        raise RegistryError(
            ngettext(
                "Nothing was imported: %(count)s problem to fix first (see the preview).",
                "Nothing was imported: %(count)s problems to fix first (see the preview).",
                result.error_count,
            )
            % {"count": result.error_count}
        )
    cadence = settings.PORTAL["REVIEW_CADENCE_DAYS"]
    for row in result.rows:
        reviewed = row.new.last_reviewed
        try:
            entry = create_entry(
                actor=actor,
                new=row.new,
                action="registry.imported",
                password_reason=PasswordChange.Reason.IMPORTED,
                # Without a known last review, the owner is asked to review the site now.
                first_review_due=next_review(cadence, reviewed) if reviewed else today(),
                details={"source": source[:200], "line": row.line},
                awaiting_confirmation=row.needs_confirmation,
            )
        except RegistryError as error:
            raise RegistryError(_("Nothing was imported: %(error)s") % {"error": error}) from error
        if entry.owner_id != actor.pk:
            notify_all(
                [entry.owner],
                kind="registry.imported",
                context={"entry": entry, "actor": actor, "pending": row.needs_confirmation},
                url=entry_url(entry),
            )
        if row.needs_confirmation:
            notify_confirmers(entry=entry, actor=actor)
        result.created.append(entry)
    return result


EXPORT_COLUMNS = [
    "unit",
    "platform",
    "site_name",
    "handle",
    "url",
    "owner",
    "co_admins",
    "login_username",
    "login_email",
    "recovery_email",
    "password_recorded",
    "password_changed",
    "privacy",
    "comment_setting",
    "status",
    "last_reviewed",
    "next_review_due",
    "needs_password_rotation",
    "needs_new_owner",
    "identification_text",
    "school_website_url",
]


def _local_day(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def export_registry_csv(*, actor: User, entries, writer, filters: dict | None = None) -> int:
    """Write the given entries with `writer` (a csv.writer) without any secret, and audit the export.
    Returns the row count.

    Cells that a spreadsheet would run as a formula (= + - @) are neutralised. Who: approvers and
    district admins (the view passes entries already scoped to them).
    """
    if not selectors.can_export(actor):
        raise RegistryError(_("Only principals, supervisors and district admins can export the registry."))
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    units = set()
    for entry in (
        entries.select_related("platform", "org_unit", "owner").prefetch_related("co_admins").defer("password")
    ):
        writer.writerow(
            [
                safe_csv_cell(entry.org_unit.name),
                safe_csv_cell(entry.platform.name),
                safe_csv_cell(entry.name),
                safe_csv_cell(entry.handle),
                safe_csv_cell(entry.url),
                safe_csv_cell(entry.owner.email),
                safe_csv_cell(" ".join(u.email for u in entry.co_admins.all())),
                safe_csv_cell(entry.login_username),
                safe_csv_cell(entry.login_email),
                safe_csv_cell(entry.recovery_email),
                "yes" if entry.password_changed_at else "no",
                _local_day(entry.password_changed_at),
                entry.privacy,
                entry.comment_setting,
                entry.status,
                _local_day(entry.last_reviewed_at),
                entry.next_review_due.isoformat(),
                "yes" if entry.needs_password_rotation else "no",
                "yes" if entry.needs_new_owner else "no",
                safe_csv_cell(entry.identification_text),
                safe_csv_cell(entry.school_website_url),
            ]
        )
        units.add(entry.org_unit_id)
        count += 1
    with transaction.atomic():
        record_event(
            actor=actor,
            action="registry.exported",
            org_unit=OrgUnit.objects.get(pk=next(iter(units))) if len(units) == 1 else None,
            details={"rows": count, "filters": filters or {}},
        )
    return count
