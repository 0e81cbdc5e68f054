"""The approver sees who looked at the roster, which class, when (§1.3.6); only for their own schools."""

import pytest
from django.urls import reverse

from .conftest import STUDENT_NAMES

pytestmark = pytest.mark.django_db


def test_the_principal_sees_who_checked_which_class_and_when(client_for, teacher, principal, roster_a):
    client_for(teacher).get(reverse("consent:check"), {"school_class": "5A"})
    response = client_for(principal).get(reverse("consent:lookups"))
    (event,) = response.context["page"].object_list
    assert event.actor == teacher and event.details["classes"] == ["5A"]
    body = response.content.decode()
    assert "Tara Teacher" in body and "class 5A" in body and event.created_at.strftime("%Y-%m-%d") in body
    assert not any(name in body for name in STUDENT_NAMES)


def test_another_schools_principal_sees_none_of_these_look_ups(client_for, teacher, principal_b, roster_a, roster_b):
    client_for(teacher).get(reverse("consent:check"), {"school_class": "5A"})
    assert list(client_for(principal_b).get(reverse("consent:lookups")).context["page"].object_list) == []


def test_the_log_filters_by_person(client_for, teacher, colleague, principal, roster_a):
    client_for(teacher).get(reverse("consent:check"), {"school_class": "5A"})
    client_for(colleague).get(reverse("consent:check"), {"grade": "6"})
    response = client_for(principal).get(reverse("consent:lookups"), {"person": "colleague"})
    assert [e.actor for e in response.context["page"].object_list] == [colleague]


def test_a_district_admin_who_is_no_schools_principal_has_no_look_up_log(client_for, district_admin):
    assert client_for(district_admin).get(reverse("consent:lookups")).status_code == 403
