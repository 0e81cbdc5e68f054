"""The unit search field of every list's filters (core/forms.py): typed, not picked from every school."""

import pytest
from django.core.exceptions import ValidationError

from accounts.factories import OrgUnitFactory
from accounts.models import OrgUnit
from core.forms import LookupField

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(school_a, school_b):
    OrgUnitFactory(name="Ridgeview Secondary", code="ridgeview-sec")
    return OrgUnit.objects.all()


@pytest.mark.parametrize("typed", ["ridgeview", "RIDGEVIEW", "Ridgeview Elementary", "elementary", " ridgeview "])
def test_a_unit_is_found_by_code_name_or_a_unique_part_of_its_name(units, school_a, typed):
    assert LookupField(queryset=units, required=False).clean(typed) == school_a


def test_a_unit_is_found_by_its_id_for_links_made_before_the_search_field(units, school_a):
    assert LookupField(queryset=units, required=False).clean(str(school_a.pk)) == school_a


def test_unknown_and_ambiguous_names_are_form_errors(units):
    field = LookupField(queryset=units, required=False)
    with pytest.raises(ValidationError, match="Several units match"):
        field.clean("ridge")
    with pytest.raises(ValidationError, match="No unit of yours"):
        field.clean("nowhere")
    assert field.clean("") is None


def test_units_outside_the_queryset_are_never_found(units, school_b):
    field = LookupField(queryset=OrgUnit.objects.exclude(pk=school_b.pk), required=False)
    with pytest.raises(ValidationError):
        field.clean(school_b.code)


def test_few_choices_are_suggested_in_a_datalist_many_are_not(units):
    few = LookupField(queryset=units, required=False).widget.render("org_unit", "", {"id": "id_org_unit"})
    assert 'list="id_org_unit-suggestions"' in few and '<option value="Lakeside Secondary">' in few
    field = LookupField(queryset=units, required=False)
    field.widget.limit = 2
    many = field.widget.render("org_unit", "", {"id": "id_org_unit"})
    assert "<datalist" not in many and "<option" not in many
