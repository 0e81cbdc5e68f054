"""Hostile query strings and uploads on the consent pages: never a 500, nothing saved by a bad upload."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from consent.models import Roster, Student
from tests.security.hostile import FUZZ, value

from .conftest import upload

pytestmark = pytest.mark.django_db

PAGES = {
    "consent:check": ["unit", "year", "school_class", "grade", "q"],
    "consent:lookups": ["org_unit", "person", "since", "page"],
}


@FUZZ
@given(name=st.sampled_from(sorted(PAGES)), data=st.data())
def test_consent_pages_survive_hostile_query_strings(client_for, principal, roster_a, name, data):
    query = data.draw(st.dictionaries(st.sampled_from(PAGES[name]), value, max_size=4))
    assert client_for(principal).get(reverse(name), query).status_code < 500


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["q", "school_class", "missing", "page"]), value, max_size=3))
def test_the_roster_list_survives_hostile_filters(client_for, principal, roster_a, query):
    assert client_for(principal).get(reverse("consent:roster", args=[roster_a.pk]), query).status_code < 500


@FUZZ
@given(content=st.binary(max_size=2000))
def test_random_bytes_as_an_sis_export_never_crash_and_never_save(client_for, principal, school_a, year, content):
    response = client_for(principal).post(
        reverse("consent:import"),
        {"org_unit": school_a.pk, "school_year": year, "sis_file": upload(content.decode("latin-1"))},
    )
    assert response.status_code == 200
    assert not Roster.objects.exists() and not Student.objects.exists()


@FUZZ
@given(cells=st.lists(value.filter(lambda v: isinstance(v, str)), min_size=7, max_size=7))
def test_hostile_cells_are_previewed_and_confirmed_only_when_clean(client_for, principal, school_a, year, cells):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student_number", "display_name", "grade", "homeroom", "photo_video", "name_use", "work_samples"])
    writer.writerow(cells)
    client = client_for(principal)
    preview = client.post(
        reverse("consent:import"),
        {"org_unit": school_a.pk, "school_year": year, "sis_file": upload(out.getvalue())},
    )
    assert preview.status_code == 200
    confirm = preview.context.get("confirm_form") if preview.context else None
    if confirm is not None:
        done = client.post(reverse("consent:import"), {"payload": confirm.initial["payload"]})
        assert done.status_code == 302 and Student.objects.count() == 1
        Student.objects.all().delete()
        Roster.objects.all().delete()
    else:
        assert not Student.objects.exists()
