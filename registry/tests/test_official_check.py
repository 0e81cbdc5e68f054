"""The public "is this an official account?" page: active public accounts only, nothing else, rate-limited."""

import pytest
from django.urls import reverse

from registry import services
from registry.models import RegistryEntry

URL = reverse("registry:official_check")


def check(client, q):
    return client.get(URL, {"q": q})


def test_the_page_needs_no_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Is this an official district account?" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "RidgeviewNews",
        "@ridgeviewnews",
        "  @RIDGEVIEWNEWS ",
        "https://www.instagram.com/ridgeviewnews/",
        "instagram.com/RidgeviewNews",
        "http://m.instagram.com/ridgeviewnews?igsh=abc",
    ],
)
def test_an_active_public_account_is_confirmed_with_its_unit(client, public_entry, query):
    html = check(client, query).content.decode()
    assert "Yes: an official district account" in html
    assert "Ridgeview Elementary" in html


def test_the_answer_says_nothing_about_owner_or_login(client, public_entry):
    html = check(client, "ridgeviewnews").content.decode()
    for private in (
        public_entry.owner.email,
        public_entry.owner.last_name,
        public_entry.login_email,
        "Another-Secret-99",
        "Ridgeview news",  # the site's internal name
    ):
        assert private not in html


@pytest.mark.parametrize("state", ["private", "unknown"])
def test_private_or_unknown_accounts_are_not_official(client, entry, public_entry, principal, state):
    # A private-network account is never confirmed publicly (§1.4.4); an unknown one is not ours.
    query = entry.handle if state == "private" else "ridgeview_official_real"
    html = check(client, query).content.decode()
    assert "Not an official account" in html
    assert "Ridgeview Elementary" not in html


@pytest.mark.parametrize("state", ["disabled", "removed"])
def test_a_disabled_or_removed_account_is_shown_as_retired_1_4_2(client, public_entry, principal, state):
    # The same answer as the API's verify: once official, now retired, so families know nobody keeps it.
    if state == "disabled":
        services.disable_account(actor=principal, entry=public_entry, reason="Paused")
    else:
        services.remove_account(actor=principal, entry=public_entry, reason="Closed")
    html = check(client, "ridgeviewnews").content.decode()
    assert "Not an official account any more" in html and "retired" in html
    assert "Yes: an official district account" not in html


def test_lookups_are_rate_limited_per_address_with_a_friendly_429(client, public_entry, settings):
    settings.OFFICIAL_CHECK_RATE_PER_MINUTE = 3
    assert [check(client, "x").status_code for _ in range(3)] == [200, 200, 200]
    response = check(client, "ridgeviewnews")
    assert response.status_code == 429
    assert "Please wait a minute" in response.content.decode()
    other = client.get(URL, {"q": "ridgeviewnews"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200


def test_the_default_limit_is_twenty_lookups_a_minute(client, db):
    codes = [check(client, f"handle{i}").status_code for i in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429


def test_the_registry_only_confirms_from_its_own_rows(public_entry):
    from registry.selectors import official_accounts_matching

    assert list(official_accounts_matching("ridgeviewnews")) == [public_entry]
    RegistryEntry.objects.filter(pk=public_entry.pk).update(privacy="private")
    assert list(official_accounts_matching("ridgeviewnews")) == []
    assert list(official_accounts_matching("")) == []


@pytest.mark.parametrize("query", ["http://[::1", "https://[evil.example]/x", "\u0000@x", "x" * 300])
def test_malformed_links_are_simply_not_official(client, public_entry, query):
    response = check(client, query)
    assert response.status_code == 200
    assert "Yes: an official" not in response.content.decode()
