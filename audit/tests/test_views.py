import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(teacher, teacher_b, school_a, school_b):
    a = record_event(actor=teacher, action="request.submitted", target=school_a, org_unit=school_a)
    b = record_event(actor=teacher_b, action="request.submitted", target=school_b, org_unit=school_b)
    return a, b


def test_approver_sees_only_events_of_their_units(client_for, principal, events):
    response = client_for(principal).get(reverse("audit:list"))
    assert list(response.context["page"].object_list) == [events[0]]


def test_district_admin_sees_every_event(client_for, district_admin, events):
    response = client_for(district_admin).get(reverse("audit:list"))
    assert set(response.context["page"].object_list) == set(events)


def test_employee_cannot_open_the_audit_trail(client_for, teacher, events):
    assert client_for(teacher).get(reverse("audit:list")).status_code == 403
    assert client_for(teacher).get(reverse("audit:export")).status_code == 403


def test_filters_by_actor_action_and_date(client_for, district_admin, events, teacher):
    client = client_for(district_admin)
    response = client.get(reverse("audit:list"), {"actor": "teacher@"})
    assert list(response.context["page"].object_list) == [events[0]]
    response = client.get(reverse("audit:list"), {"action": "request.submitted", "since": "2000-01-01"})
    assert len(response.context["page"].object_list) == 2
    response = client.get(reverse("audit:list"), {"until": "2000-01-01"})
    assert len(response.context["page"].object_list) == 0


def test_invalid_filter_gives_a_form_error_not_a_500(client_for, district_admin, events):
    response = client_for(district_admin).get(reverse("audit:list"), {"since": "not-a-date", "org_unit": "x"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_approver_cannot_filter_on_another_schools_unit(client_for, principal, events, school_b):
    response = client_for(principal).get(reverse("audit:list"), {"org_unit": school_b.pk})
    assert response.context["filter"].errors
    assert list(response.context["page"].object_list) == []


def test_csv_export_is_scoped_neutralises_formulas_and_is_audited(client_for, principal, teacher, school_a, events):
    record_event(actor=teacher, action="x", target=None, org_unit=school_a, details={"comment": "=HYPERLINK(1)"})
    response = client_for(principal).get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["time", "actor", "action"]
    assert len(rows) == 3  # header + two events of school A
    assert all("Lakeside" not in cell for row in rows for cell in row)
    assert AuditEvent.objects.filter(action="audit.exported", actor=principal).count() == 1


# --- at district scale (issue 19) -------------------------------------------------------------------------


def test_the_trail_pages_by_position_older_then_newer(client_for, district_admin, teacher, school_a):
    for i in range(60):
        record_event(actor=teacher, action=f"test.page{i}", org_unit=school_a)
    client = client_for(district_admin)
    first = client.get(reverse("audit:list")).context["page"]
    assert len(first.object_list) == 50 and first.has_next and not first.has_previous
    older = client.get(reverse("audit:list"), {"before": first.next_cursor}).context["page"]
    assert [e.action for e in older.object_list] == [f"test.page{i}" for i in range(9, -1, -1)]
    newer = client.get(reverse("audit:list"), {"after": older.previous_cursor}).context["page"]
    assert newer.object_list == first.object_list
    body = client.get(reverse("audit:list")).content.decode()
    assert "Older</a>" in body and "60 events, newest first" in body


def test_a_hostile_cursor_shows_the_first_page(client_for, district_admin, events):
    response = client_for(district_admin).get(reverse("audit:list"), {"before": "9" * 30 + ".x", "after": "\x00"})
    assert response.status_code == 200 and len(response.context["page"].object_list) == 2


def test_the_unit_filter_is_a_search_by_name_or_code_not_a_list_of_every_unit(
    client_for, district_admin, events, school_a
):
    client = client_for(district_admin)
    response = client.get(reverse("audit:list"), {"org_unit": "Ridgeview"})
    assert list(response.context["page"].object_list) == [events[0]]
    assert list(client.get(reverse("audit:list"), {"org_unit": "lakeside"}).context["page"].object_list) == [events[1]]
    assert '<select name="org_unit"' not in response.content.decode()


def test_days_are_the_districts_own(client_for, district_admin, teacher):
    import datetime

    from django.utils import timezone

    from core.tests.test_pagination import insert_event

    insert_event("test.late", timezone.make_aware(datetime.datetime(2026, 3, 10, 23, 30)))  # 07:30 UTC on the 11th
    event = AuditEvent.objects.get(action="test.late")
    client = client_for(district_admin)
    on_the_day = client.get(reverse("audit:list"), {"since": "2026-03-10", "until": "2026-03-10"})
    assert [e.pk for e in on_the_day.context["page"].object_list] == [event.pk]
    next_day = client.get(reverse("audit:list"), {"since": "2026-03-11", "until": "2026-03-11"})
    assert next_day.context["page"].object_list == []
    assert client.get(reverse("audit:list"), {"until": "9999-12-31"}).status_code == 200


def test_the_action_choices_are_read_cheaply_without_the_cache(events, teacher):
    from django.core.cache import cache

    from audit.filters import _distinct_actions, known_actions

    record_event(actor=teacher, action="request.approved")
    cache.clear()
    assert _distinct_actions() == sorted({"request.submitted", "request.approved"})
    assert known_actions() == _distinct_actions()
