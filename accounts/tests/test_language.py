"""Language choice (issue 17): the browser's language first, a switch on every page, and a saved
preference that follows a signed-in person to every device and into their e-mails."""

import pytest
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_follows_the_browsers_language(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.5")
    html = page.content.decode()
    assert '<html lang="fr-ca"' in html
    assert "Passer au contenu principal" in html
    assert page["Content-Language"] == "fr-ca"


def test_a_browser_asking_for_french_of_france_gets_canadian_french(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert '<html lang="fr-ca"' in page.content.decode()


def test_english_is_the_default(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="en-ca"' in page.content.decode()
    assert "Skip to main content" in page.content.decode()


def test_the_switch_is_on_the_sign_in_page_and_comes_back_to_it(client):
    login = reverse("account_login")
    page = client.get(login)
    assert 'name="language" value="fr-ca"' in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "fr-ca", "next": login})
    assert response.status_code == 302 and response["Location"] == login
    assert "Passer au contenu principal" in client.get(login).content.decode()


def test_the_switch_saves_a_signed_in_persons_preference(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr-ca", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr-ca"
    # Another device, an English browser, no cookie: the saved choice wins.
    other = client.__class__()
    other.force_login(user)
    page = other.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr-ca"' in page.content.decode()


def test_the_switch_refuses_a_language_not_offered_and_changes_nothing(client):
    user = UserFactory(language="en-ca")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"}, follow=True)
    user.refresh_from_db()
    assert user.language == "en-ca"
    assert "That language is not offered." in response.content.decode()


def test_the_switch_does_not_redirect_off_the_site(client):
    response = client.post(reverse("set_language"), {"language": "fr-ca", "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")


def test_a_person_who_never_chose_keeps_their_browsers_language_for_their_emails(client):
    user = UserFactory()
    assert user.language == ""
    client.force_login(user)
    client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fr-CA")
    assert User.objects.get(pk=user.pk).language == "fr-ca"
    # Once remembered, a later English browser does not overwrite it: only the switch does.
    client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert User.objects.get(pk=user.pk).language == "fr-ca"


def test_the_javascript_catalog_is_served(client):
    response = client.get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and "django.gettext" in response.content.decode()


def test_french_dates_and_times_follow_canadian_usage():
    """Django's own fr_CA printed the hour twice ("13 01 40"): governance/formats fixes the letter h."""
    from datetime import datetime

    from django.utils import formats, translation

    moment = datetime(2026, 1, 31, 13, 40)
    with translation.override("fr-ca"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 janvier 2026, 13\xa0h\xa040"
        assert formats.time_format(moment, "TIME_FORMAT") == "13\xa0h\xa040"
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "2026-01-31"
    with translation.override("en-ca"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "31 Jan 2026, 1:40 p.m."
