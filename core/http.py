"""CSV downloads, written one way for every export of the portal."""

import csv
from collections.abc import Callable

from django.http import HttpResponse
from django.utils import timezone

# Spreadsheet programs execute cells that start with these characters (formula injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value) -> str:
    """Neutralise spreadsheet formulas in exported text (prefix with an apostrophe)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def csv_response(name: str, write: Callable, *, stamp: str | None = None) -> HttpResponse:
    """An attachment `<name>-<stamp>.csv` whose rows `write(writer)` produces; never cached.

    `write` receives a csv.writer and does the writing (and the auditing of the export).
    """
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = stamp or timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store, max-age=0"
    write(csv.writer(response))
    return response
