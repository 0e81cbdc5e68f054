"""The path converter every app uses for database ids: `<id:pk>`.

Only 1 to 18 digits match, so an id beyond a 64-bit integer never reaches the database (SQLite
raised OverflowError on those, a 500); such a URL is simply a 404.
"""

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def is_valid_id(value) -> bool:
    """For ids that arrive in a form or query string rather than the path."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return False
    return 0 < number <= MAX_ID


register_converter(IdConverter, "id")
