"""A double click on "I checked the comments" (§1.4.3): one check-in, and the second click says so."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from core.once import FIELD_NAME, new_token
from moderation.models import CheckIn

pytestmark = pytest.mark.django_db


def test_a_check_in_sent_twice_is_recorded_once_and_lands_where_the_first_went(
    client_for, make_entry, teacher, school_a
):
    entry = make_entry(teacher, school_a, comments="on")
    client = client_for(teacher)
    data = {"next": "/", FIELD_NAME: new_token()}
    first = client.post(reverse("moderation:checkin", args=[entry.pk]), data)
    second = client.post(reverse("moderation:checkin", args=[entry.pk]), data)
    assert first["Location"] == second["Location"] == "/"
    assert CheckIn.objects.filter(entry=entry).count() == 1
    assert AuditEvent.objects.filter(action="moderation.checked_in").count() == 1
    assert "Already submitted: here is your check-in." in [str(m) for m in second.wsgi_request._messages]


def test_the_home_page_check_in_button_carries_a_one_time_token(client_for, make_entry, teacher, school_a):
    make_entry(teacher, school_a, comments="on")
    html = client_for(teacher).get(reverse("home")).content.decode()
    assert f'name="{FIELD_NAME}"' in html
