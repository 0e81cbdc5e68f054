"""The API's pages for people in French (issue 17): the badge page; the docs page names its language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-CA"}


def test_the_badge_page_is_in_french_and_its_snippet_stays_code(client):
    page = client.get(reverse("api:badge"), {"url": "https://www.instagram.com/classe5a/"}, **FRENCH).content.decode()
    assert "Un insigne «\u00a0compte officiel\u00a0» pour votre site Web" in page
    assert "Produire l’extrait" in page and "Make the snippet" not in page
    assert "&lt;script src=&quot;" in page and "data-ap1311-url=&quot;https://www.instagram.com/classe5a/&quot;" in page


def test_the_docs_page_names_its_language(client):
    page = client.get(reverse("api:docs"), **FRENCH).content.decode()
    assert '<html lang="fr-ca">' in page and "· Portail AP 1311</title>" in page


def test_an_api_error_follows_the_callers_language(client):
    response = client.get(reverse("api:units"), HTTP_AUTHORIZATION="Bearer nope", **FRENCH)
    assert response.status_code == 401 and response.json()["detail"] == "Jeton invalide."
