"""The Django admin for district IT (issue 14): the district's models grouped and named as a district
would, library models under "Advanced" at the end."""

import pytest
from django.contrib import admin
from django.urls import reverse

from governance.admin import ADVANCED, DistrictAdminSite

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_the_districts():
    assert isinstance(admin.site, DistrictAdminSite)


def test_admin_index_groups_the_districts_models_first_and_library_models_under_advanced(client_for, district_admin):
    response = client_for(district_admin).get(reverse("admin:index"))
    sections = [app["name"] for app in response.context["app_list"]]
    assert sections[:3] == ["Schools and people", "Approved platforms", "Requests and registry"]
    assert sections[-1] == ADVANCED
    names = {app["name"]: [str(m["name"]) for m in app["models"]] for app in response.context["app_list"]}
    assert names["Schools and people"] == ["Schools and departments", "Roles (staff and approvers)", "People"]
    assert "Schedules" in names["Schedules and e-mail"]
    advanced = " ".join(names[ADVANCED])
    assert "Solar events" in advanced and "Groups" in advanced and "Social application tokens" in advanced
    body = response.content.decode()
    assert "Org units" not in body


def test_an_apps_own_admin_page_keeps_djangos_layout(client_for, district_admin):
    response = client_for(district_admin).get(reverse("admin:app_list", args=["accounts"]))
    assert response.status_code == 200
    assert [app["app_label"] for app in response.context["app_list"]] == ["accounts"]
