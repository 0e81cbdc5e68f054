"""Reading class lists and consent answers from the files schools already have (no database here).

Two shapes are accepted:

- The student information system's CSV export, one row per student. Columns (header names are
  case-insensitive; spaces and hyphens count as underscores):
  `student_number` (or `student_id`, `school_identifier`), `display_name` (or `first_name` and
  `last_name`), `grade`, `homeroom` (or `classes`: several separated by semicolons), and optionally the
  answers `photo_video`, `name_use`, `work_samples` (yes / no / not returned) and `consent_date`.
- OneRoster 1.2 (and 1.1) bulk CSV: `users.csv` and `enrollments.csv`, with `classes.csv` for the class
  titles. Students are the users whose enrolments (or, in 1.1, whose `role`) say student; records whose
  `status` is `tobedeleted` are skipped. OneRoster carries no consent: answers already recorded stay.

A blank answer means "the file does not say": the roster keeps what it has (a new student starts at
not returned). Everything read is checked here; the service compares it with the roster.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.debug import sensitive_variables

from .models import USE_FIELDS, USES, Consent, SchoolClass, Student

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_STUDENTS = 5000
UPLOAD_CONTENT_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel", ""}

_LIMITS = {
    "school_identifier": Student._meta.get_field("school_identifier").max_length,
    "display_name": Student._meta.get_field("display_name").max_length,
    "grade": Student._meta.get_field("grade").max_length,
    "class": SchoolClass._meta.get_field("name").max_length,
}

# Words a school's spreadsheet may use for each answer (lower case).
_ANSWERS = {
    Consent.CONSENTED: {"yes", "y", "consented", "consent", "given", "true", "1", "agree", "agreed"},
    Consent.REFUSED: {"no", "n", "refused", "refuse", "declined", "denied", "false", "0"},
    Consent.NOT_RETURNED: {"not returned", "not_returned", "nr", "missing", "pending", "none"},
}

SIS_COLUMNS = {
    "school_identifier": ["student_number", "student_id", "school_identifier", "student_no"],
    "display_name": ["display_name", "preferred_name", "name"],
    "first_name": ["first_name", "given_name", "preferred_first_name"],
    "last_name": ["last_name", "family_name", "surname"],
    "grade": ["grade", "grade_level"],
    "classes": ["homeroom", "classes", "class", "division"],
    "photo_video": ["photo_video", "consent_photo", "photo"],
    "name_use": ["name_use", "consent_name"],
    "work_samples": ["work_samples", "consent_work", "work"],
    "consent_date": ["consent_date", "date_returned", "form_date"],
}


class ImportFileError(Exception):
    """The file itself cannot be used (wrong type, too big, not text, missing columns)."""


@dataclass
class StudentRow:
    """One student as the file(s) describe them."""

    where: str
    school_identifier: str = ""
    display_name: str = ""
    grade: str = ""
    classes: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # only the uses the file states
    consent_date: datetime.date | None = None
    errors: list[str] = field(default_factory=list)
    outcome: str = ""  # new, changed or unchanged: set by the service against the roster

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def answer_labels(self) -> list[str]:
        return [
            gettext("%(use)s: %(answer)s") % {"use": label, "answer": str(Consent(self.answers[use]).label).lower()}
            for use, label in USES
            if use in self.answers
        ]

    def __repr__(self) -> str:  # never the name: reprs end up in logs and error reports
        return f"<StudentRow {self.where} errors={len(self.errors)}>"


@dataclass
class ParsedFiles:
    kind: str  # "sis" or "oneroster"
    rows: list[StudentRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with a whole file

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for r in self.rows if not r.ok)

    def __repr__(self) -> str:
        return f"<ParsedFiles {self.kind} rows={len(self.rows)} errors={self.error_count}>"


@sensitive_variables("raw")
def read_upload(uploaded_file, label: str | None = None) -> str:
    """The text of an uploaded CSV file; refuses other types, files over 5 MB and undecodable text."""
    label = label or gettext("The file")
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if not name.endswith(".csv"):
        raise ImportFileError(
            gettext("%(file)s: upload a .csv file (save the spreadsheet as CSV first).") % {"file": label}
        )
    content_type = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in UPLOAD_CONTENT_TYPES:
        raise ImportFileError(gettext("%(file)s is not a CSV file.") % {"file": label})
    limit_mb = MAX_FILE_BYTES // (1024 * 1024)
    too_big = gettext("%(file)s is larger than %(size)s MB.") % {"file": label, "size": limit_mb}
    if uploaded_file.size > MAX_FILE_BYTES:
        raise ImportFileError(too_big)
    raw = uploaded_file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(too_big)
    if b"\x00" in raw:
        raise ImportFileError(gettext("%(file)s is not a CSV text file.") % {"file": label})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            gettext("%(file)s: save it as UTF-8 text and upload it again.") % {"file": label}
        ) from error


def _normal(header: str) -> str:
    return "_".join((header or "").strip().lower().replace("-", " ").replace("_", " ").split())


def _reader(text: str, file_label: str) -> tuple[csv.DictReader, list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [_normal(h) for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise ImportFileError(_unreadable(file_label, error)) from error
    if not header:
        raise ImportFileError(gettext("%(file)s is empty.") % {"file": file_label})
    reader.fieldnames = header
    return reader, header


def _records(reader: csv.DictReader, file_label: str):
    """(line number, {column: stripped text}) for each non-empty row."""
    try:
        for line, raw in enumerate(reader, start=2):
            values = {k: (v or "").strip() for k, v in raw.items() if isinstance(k, str) and isinstance(v, str)}
            if any(values.values()):
                yield line, values
    except csv.Error as error:
        raise ImportFileError(_unreadable(file_label, error)) from error


def _unreadable(file_label: str, error) -> str:
    return gettext("%(file)s cannot be read as CSV (%(error)s).") % {"file": file_label, "error": error}


def parse_answer(text: str) -> str | None:
    """The consent state a cell means; None for a blank cell; ValueError for anything else."""
    word = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if not word:
        return None
    for state, words in _ANSWERS.items():
        if word in words or word.replace(" ", "_") in words:
            return state
    raise ValueError(text)


def parse_date(text: str) -> datetime.date:
    """A date like 2026-09-15 (or 2026/09/15), not in the future."""
    value = datetime.date.fromisoformat(text.strip().replace("/", "-"))
    if value > timezone.localdate():
        raise ValueError("future")
    if value.year < 2000:
        raise ValueError("too old")
    return value


def _check_lengths(row: StudentRow) -> None:
    for attribute, text in (
        ("school_identifier", gettext("The student number is longer than %(limit)s characters.")),
        ("display_name", gettext("The name is longer than %(limit)s characters.")),
        ("grade", gettext("The grade is longer than %(limit)s characters.")),
    ):
        if len(getattr(row, attribute)) > _LIMITS[attribute]:
            row.errors.append(text % {"limit": _LIMITS[attribute]})
    for name in row.classes:
        if len(name) > _LIMITS["class"]:
            row.errors.append(
                gettext("A class name is longer than %(limit)s characters.") % {"limit": _LIMITS["class"]}
            )


def _unique_classes(names) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


# --- The SIS export ----------------------------------------------------------------------------------


def _column(header: list[str], key: str) -> str | None:
    return next((c for c in SIS_COLUMNS[key] if c in header), None)


@sensitive_variables("text", "reader", "values", "row", "parsed")
def parse_sis_csv(text: str) -> ParsedFiles:
    """Rows of the SIS export: see the module docstring for the columns."""
    parsed = ParsedFiles(kind="sis")
    the_file = gettext("The file")
    reader, header = _reader(text, the_file)
    columns = {key: _column(header, key) for key in SIS_COLUMNS}
    missing = []
    if columns["school_identifier"] is None:
        missing.append("student_number")
    if columns["display_name"] is None and (columns["first_name"] is None or columns["last_name"] is None):
        missing.append(gettext("display_name (or first_name and last_name)"))
    if missing:
        raise ImportFileError(
            ngettext("Missing column: %(columns)s.", "Missing columns: %(columns)s.", len(missing))
            % {"columns": ", ".join(missing)}
        )
    seen: dict[str, int] = {}
    for line, values in _records(reader, the_file):
        if len(parsed.rows) >= MAX_STUDENTS:
            parsed.errors.append(
                gettext("The file has more than %(count)s students: split it.") % {"count": MAX_STUDENTS}
            )
            break

        def get(key: str, values=values) -> str:
            column = columns[key]
            return values.get(column, "") if column else ""

        name = get("display_name") or " ".join(p for p in (get("first_name"), get("last_name")) if p)
        row = StudentRow(
            where=gettext("line %(line)s") % {"line": line},
            school_identifier=get("school_identifier"),
            display_name=" ".join(name.split()),
            grade=get("grade"),
            classes=_unique_classes(get("classes").split(";")),
        )
        parsed.rows.append(row)
        if not row.school_identifier:
            row.errors.append(gettext("The student number is empty."))
        elif (key := row.school_identifier.lower()) in seen:
            row.errors.append(
                gettext("Student number %(number)s is also on line %(line)s.")
                % {"number": row.school_identifier, "line": seen[key]}
            )
        else:
            seen[key] = line
        if not row.display_name:
            row.errors.append(gettext("The name is empty."))
        for use in USE_FIELDS:
            cell = get(use)
            try:
                state = parse_answer(cell)
            except ValueError:
                row.errors.append(
                    gettext("%(column)s “%(cell)s” is not an answer: use yes, no or not returned.")
                    % {"column": columns[use], "cell": cell[:30]}
                )
                continue
            if state is not None:
                row.answers[use] = state
        if get("consent_date"):
            try:
                row.consent_date = parse_date(get("consent_date"))
            except ValueError:
                row.errors.append(gettext("consent_date must be a date like 2026-09-15, not in the future."))
        _check_lengths(row)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(gettext("The file has no student rows."))
    return parsed


# --- OneRoster 1.2 ------------------------------------------------------------------------------------


def _require(header: list[str], columns: list[str], file_label: str) -> None:
    missing = [c for c in columns if _normal(c) not in header]
    if missing:
        raise ImportFileError(
            ngettext("%(file)s lacks the column %(columns)s.", "%(file)s lacks the columns %(columns)s.", len(missing))
            % {"file": file_label, "columns": ", ".join(missing)}
        )


def _active(values: dict) -> bool:
    return values.get("status", "").lower() != "tobedeleted"


@sensitive_variables("users_text", "enrollments_text", "classes_text", "users", "values", "row", "parsed")
def parse_oneroster(users_text: str, enrollments_text: str, classes_text: str | None = None) -> ParsedFiles:
    """Students and their classes from OneRoster's users.csv, enrollments.csv and classes.csv."""
    parsed = ParsedFiles(kind="oneroster")
    titles: dict[str, str] = {}
    if classes_text:
        reader, header = _reader(classes_text, "classes.csv")
        _require(header, ["sourcedId", "title"], "classes.csv")
        for _line, values in _records(reader, "classes.csv"):
            if _active(values) and values.get("sourcedid"):
                titles[values["sourcedid"]] = values.get("title") or values.get("classcode") or values["sourcedid"]

    reader, header = _reader(users_text, "users.csv")
    _require(header, ["sourcedId", "givenName", "familyName"], "users.csv")
    has_role = "role" in header
    users: dict[str, tuple[int, dict]] = {}
    leaving: set[str] = set()  # users marked tobedeleted: their enrolments are skipped, not errors
    for line, values in _records(reader, "users.csv"):
        if not values.get("sourcedid"):
            continue
        if _active(values):
            users.setdefault(values["sourcedid"], (line, values))
        else:
            leaving.add(values["sourcedid"])

    reader, header = _reader(enrollments_text, "enrollments.csv")
    _require(header, ["classSourcedId", "userSourcedId", "role"], "enrollments.csv")
    enrolled: dict[str, list[str]] = {}
    for line, values in _records(reader, "enrollments.csv"):
        if not _active(values) or values.get("role", "").lower() != "student":
            continue
        user_id, class_id = values.get("usersourcedid", ""), values.get("classsourcedid", "")
        if user_id in leaving:
            continue
        if user_id not in users:
            parsed.errors.append(
                gettext("enrollments.csv line %(line)s: user %(user)s is not in users.csv.")
                % {"line": line, "user": user_id[:40]}
            )
            continue
        if classes_text and class_id not in titles:
            parsed.errors.append(
                gettext("enrollments.csv line %(line)s: class %(class)s is not in classes.csv.")
                % {"line": line, "class": class_id[:40]}
            )
            continue
        enrolled.setdefault(user_id, []).append(titles.get(class_id, class_id))

    seen: dict[str, str] = {}
    for sourced_id, (line, values) in users.items():
        is_student = values.get("role", "").lower() == "student" if has_role else sourced_id in enrolled
        if not is_student:
            continue
        if len(parsed.rows) >= MAX_STUDENTS:
            parsed.errors.append(
                gettext("users.csv has more than %(count)s students: split it.") % {"count": MAX_STUDENTS}
            )
            break
        given = values.get("preferredgivenname") or values.get("givenname", "")
        family = values.get("preferredfamilyname") or values.get("familyname", "")
        row = StudentRow(
            where=gettext("users.csv line %(line)s") % {"line": line},
            school_identifier=values.get("identifier") or sourced_id,
            display_name=" ".join(f"{given} {family}".split()),
            grade=(values.get("grades", "").split(",")[0]).strip(),
            classes=_unique_classes(enrolled.get(sourced_id, [])),
        )
        parsed.rows.append(row)
        key = row.school_identifier.lower()
        if key in seen:
            row.errors.append(
                gettext("Student number %(number)s is also on %(where)s.")
                % {"number": row.school_identifier, "where": seen[key]}
            )
        else:
            seen[key] = row.where
        if not row.display_name:
            row.errors.append(gettext("The name is empty."))
        _check_lengths(row)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append(gettext("users.csv and enrollments.csv name no students."))
    return parsed
