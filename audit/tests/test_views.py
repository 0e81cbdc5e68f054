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
