"""The sign-in, account and error pages in French (issue 17)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db
FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-CA"}


def test_the_sign_in_page_is_in_french(client):
    page = client.get(reverse("account_login"), **FRENCH).content.decode()
    assert "Connectez-vous avec votre adresse du district scolaire" in page
    assert "Garder ma session ouverte sur cet appareil" in page and "Créez d’abord votre compte" in page
    assert "Votre adresse du district scolaire (@" in page
    assert "Sign in with your district address" not in page and "Keep me signed in" not in page
    # The switch offers English, named in English, and nothing else.
    assert 'lang="en-ca"' in page and "English" in page and "Anglais" not in page


def test_the_sign_up_page_is_in_french(client):
    page = client.get(reverse("account_signup"), **FRENCH).content.decode()
    assert "Créer votre compte" in page and "Les adresses personnelles sont refusées" in page
    assert "Create your account" not in page and "Personal addresses are refused" not in page


def test_a_personal_address_is_refused_in_french(client):
    response = client.post(reverse("account_login"), {"login": "tara@gmail.com", "password": "x"}, **FRENCH)
    assert "Utilisez votre adresse courriel du district scolaire" in response.content.decode()


def test_the_account_pages_are_in_french(client_for, teacher):
    User.objects.filter(pk=teacher.pk).update(language="fr-ca")
    client = client_for(teacher)
    logout = client.get(reverse("account_logout")).content.decode()
    assert "Se déconnecter du portail AP 1311 sur cet appareil?" in logout and "Sign out of" not in logout
    password = client.get(reverse("account_change_password")).content.decode()
    assert "Changer le mot de passe" in password or "Modifier le mot de passe" in password


@override_settings(DEBUG=False)
def test_the_error_pages_are_in_french(client_for, teacher):
    User.objects.filter(pk=teacher.pk).update(language="fr-ca")
    client = client_for(teacher)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    page = missing.content.decode()
    assert "Page introuvable" in page and "Aller à votre page d’accueil" in page and "Page not found" not in page
    forbidden = client.get(reverse("oversight:dashboard"))
    assert forbidden.status_code == 403
    page = forbidden.content.decode()
    assert "Vous ne pouvez pas faire cela ici" in page and "You can't do that here" not in page
