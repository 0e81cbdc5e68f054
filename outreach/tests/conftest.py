"""Small builders for outreach tests; the cast (teacher, principal, comms...) comes from the root conftest."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

VANCOUVER = ZoneInfo("America/Vancouver")


def local(*args) -> datetime:
    """An aware district-local datetime: local(2026, 12, 10, 10) is 10:00 in Vancouver."""
    return datetime(*args, tzinfo=VANCOUVER)


@pytest.fixture
def log_inquiry():
    from outreach import services

    def _log(user, unit, **overrides):
        fields = dict(
            received_via="@ridgeview_gr5 on Instagram",
            outlet="Valley Gazette",
            contact_name="Rita Reporter",
            contact_details="rita@gazette.example",
            question="Can we visit the class garden for a story?",
            deadline=local(2030, 1, 15, 17),
        )
        fields.update(overrides)
        return services.log_inquiry(user=user, org_unit=unit, **fields)

    return _log


@pytest.fixture
def make_event():
    from outreach.models import SchoolEvent

    def _make(organiser, unit, starts_at, title="Winter concert", **extra):
        # Created directly so tests can place events anywhere in time; services are tested separately.
        return SchoolEvent.objects.create(
            org_unit=unit, title=title, starts_at=starts_at, organiser=organiser, created_by=organiser, **extra
        )

    return _make
