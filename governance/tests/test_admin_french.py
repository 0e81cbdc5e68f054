"""The district's admin in French (issue 17): site header, title and the district's own grouping."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_a_french_district_admin_reads_the_admin_index_in_french(client_for, district_admin):
    User.objects.filter(pk=district_admin.pk).update(language="fr-ca")
    response = client_for(district_admin).get(reverse("admin:index"))
    body = response.content.decode()
    sections = [str(app["name"]) for app in response.context["app_list"]]
    assert sections[:3] == ["Écoles et personnes", "Plateformes approuvées", "Demandes et registre"]
    assert sections[-1] == "Avancé (paramètres des bibliothèques rarement modifiés)"
    names = {str(app["name"]): [str(m["name"]) for m in app["models"]] for app in response.context["app_list"]}
    assert names["Écoles et personnes"] == ["Écoles et services", "Rôles (personnel et approbateurs)", "Personnes"]
    assert "Journal d’audit" in sections
    assert "Portail AP 1311\u00a0: administration du district scolaire" in body
    assert "Schools and people" not in body and "district administration" not in body
