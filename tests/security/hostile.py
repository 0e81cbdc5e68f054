"""Shared pieces of the hostile-input tests: nasty values, a snapshot of what the database holds,
and the checks every POST must pass ("never a 500, always a clear error, nothing saved on error").
"""

import json
import os
from dataclasses import dataclass

from django.apps import apps
from django.contrib.messages import constants, get_messages
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# The project's own apps: their rows are what a hostile request must not corrupt.
PROJECT_APPS = (
    "accounts",
    "catalogue",
    "approvals",
    "registry",
    "consent",
    "outreach",
    "moderation",
    "audit",
    "notifications",
)

# Fast and quiet: 12 examples per form by default (SECURITY_FUZZ_EXAMPLES=500 for a long run), no deadline
# (first requests warm caches), no example database written into the repository. The district fixture is
# built once per module (conftest.py), so the function-scoped fixtures' health check does not apply.
FUZZ = settings(
    max_examples=int(os.environ.get("SECURITY_FUZZ_EXAMPLES", "12")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999999",
    "NaN",
    "true",
    "None",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "'; DROP TABLE accounts_user; --",
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example","x")',
    "../../etc/passwd",
    "%00",
    "\u202eevil",
    "😀",
    "Ω≈ç√∫ ᚠᛇᚻ 日本語",
    "\r\n",
    "\t",
    "javascript:alert(1)",
    "https://",
    "http://[::1",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "someone@gmail.com",
    "x@sd.example",
]

_printable = st.characters(blacklist_categories=("Cs",))  # surrogates cannot be sent as UTF-8
text = st.one_of(
    st.sampled_from(NASTY),
    st.text(_printable, max_size=40),
    st.integers().map(str),
    # Oversized: past every max_length of the project (the largest is 4000).
    st.builds(lambda s, n: s * n, st.sampled_from(["x", "é", "😀", "\x00", "a "]), st.integers(150, 6000)),
)
# A list where one value is expected (wrong type), or one hostile text.
value = st.one_of(text, st.lists(text, min_size=2, max_size=3))


def fuzzed(fields, base=None):
    """A POST body: the valid `base` with a random subset of `fields` replaced by hostile values,
    or dropped altogether."""
    base = dict(base or {})

    @st.composite
    def build(draw):
        # Browsers always send the CSRF token, so a real POST is never empty (the check itself is
        # tested in test_authorization_matrix.py; the test client does not enforce it here).
        data = {"csrfmiddlewaretoken": "x", **base}
        for name in draw(st.lists(st.sampled_from(list(fields)), unique=True, max_size=len(fields))):
            if draw(st.integers(0, 9)) == 0:
                data.pop(name, None)
            else:
                data[name] = draw(value)
        return data

    return build()


def project_models():
    return [m for label in PROJECT_APPS for m in apps.get_app_config(label).get_models()]


class Snapshot(dict):
    """Row count and highest id of every project model, and when it was taken."""

    taken_at = None


def snapshot(client=None) -> Snapshot:
    """Row count and highest id of every project table (audit events included: every state change
    writes one), in one query. With a client, its pending messages are cleared too, so that the next
    response's messages are its own."""
    if client is not None:
        clear_messages(client)
    tables = [(m._meta.label, m._meta.db_table, m._meta.pk.column) for m in project_models()]
    q = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX({q(pk)}) FROM {q(table)}" for i, (_, table, pk) in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = {i: (n, top or 0) for i, n, top in cursor.fetchall()}
    snap = Snapshot({label: rows[i] for i, (label, _, _) in enumerate(tables)})
    snap.taken_at = timezone.now()
    return snap


def _json_has_nul(value) -> bool:
    return "\\u0000" in json.dumps(value)


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def column_problems(obj: models.Model) -> list[str]:
    """What a stricter database (PostgreSQL) would refuse, or a field should never hold: NUL characters
    (PostgreSQL refuses them in text and jsonb), text longer than its column, malformed e-mails/URLs."""
    problems = []
    for f in obj._meta.concrete_fields:
        raw = getattr(obj, f.attname)
        where = f"{obj._meta.label}#{obj.pk}.{f.name}"
        if isinstance(f, models.JSONField):
            if _json_has_nul(raw):
                problems.append(f"{where}: NUL character in JSON")
            continue
        if not isinstance(raw, str):
            continue
        if "\x00" in raw:
            problems.append(f"{where}: NUL character")
        if f.max_length and len(raw) > f.max_length:
            problems.append(f"{where}: {len(raw)} characters, column holds {f.max_length}")
        try:
            if raw and isinstance(f, models.EmailField):
                _email(raw)
            elif raw and isinstance(f, models.URLField):
                _url(raw)
        except ValidationError:
            problems.append(f"{where}: not a valid {type(f).__name__}: {raw[:60]!r}")
    return problems


def column_problems_since(before: Snapshot) -> list[str]:
    """column_problems() of every row created or updated since the snapshot."""
    problems = []
    after = snapshot()
    for model in project_models():
        label = model._meta.label
        updatable = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        if after[label] == before[label] and not updatable:
            continue
        fresh = Q(pk__gt=before[label][1])
        if updatable:
            fresh |= Q(updated_at__gte=before.taken_at)
        for obj in model.objects.filter(fresh):
            problems.extend(column_problems(obj))
    return problems


def clear_messages(client) -> None:
    """Forget messages left by earlier requests (the tests do not follow redirects that would show them)."""
    client.cookies.pop("messages", None)
    if "_messages" in client.session:
        session = client.session
        del session["_messages"]
        session.save()


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


@dataclass
class Outcome:
    status: int
    changed: bool
    error_shown: bool
    told: bool
    detail: str


def outcome(response, before: dict[str, int]) -> Outcome:
    after = snapshot()
    changed = dict(after) != dict(before)
    msgs = messages_of(response)
    errors = [text for level, text in msgs if level >= constants.WARNING]
    form_errors = ""
    context = getattr(response, "context", None)
    if response.status_code == 200 and context is not None:
        for key in ("form", "upload_form"):
            form = context.get(key) if hasattr(context, "get") else None
            if form is not None and getattr(form, "is_bound", False) and form.errors:
                form_errors = form.errors.as_text()
                break
    shown = bool(errors) or response.status_code >= 400
    told = bool(msgs) or shown
    if form_errors:
        html = response.content.decode()
        # Crispy (Bootstrap) marks each field in error and says why next to it.
        assert "is-invalid" in html or "invalid-feedback" in html or "alert-danger" in html, form_errors
        shown = told = True
    diff = {k: (before[k], after[k]) for k in after if after[k] != before[k]}
    return Outcome(
        response.status_code, changed, shown, told, f"messages={msgs} form_errors={form_errors!r} diff={diff}"
    )


def assert_safe(response, before: dict[str, int], *, may_partially_save: bool = False) -> Outcome:
    """Never a 500; on error something clear is shown and nothing is saved; what is saved fits its columns."""
    result = outcome(response, before)
    assert result.status < 500, result.detail
    if result.error_shown and not may_partially_save:
        assert not result.changed, f"saved something although an error was shown: {result.detail}"
    if not result.changed:
        # Nothing happened: the person is told why (a form error, a message, or an error page).
        assert result.told, f"nothing saved and nothing said: {result.detail}"
    problems = column_problems_since(before)
    assert problems == [], problems
    return result
