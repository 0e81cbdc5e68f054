"""The API's documentation and the official-account badge render in Chromium under the portal's
Content-Security-Policy (issue 16): no CDN, no blocked script or style."""

import datetime

import pytest
from playwright.sync_api import expect


@pytest.fixture
def csp_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    return errors


def test_swagger_ui_shows_every_endpoint_under_the_csp(page, live_server, csp_errors, transactional_db):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.get_by_text("/api/v1/registry/entries/", exact=True).first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/audit/events/", exact=True).first).to_be_visible()
    assert csp_errors == []
    assert all(url.startswith(live_server.url) for url in requested), "an asset came from outside the portal"


def test_the_badge_confirms_an_official_account(page, live_server, csp_errors, transactional_db):
    from accounts.factories import OrgUnitFactory, UserFactory
    from catalogue.models import Platform
    from registry.models import RegistryEntry

    unit = OrgUnitFactory(name="Lakeside Secondary")
    RegistryEntry.objects.create(
        platform=Platform.objects.get_or_create(name="Instagram")[0],
        org_unit=unit,
        owner=UserFactory(),
        handle="lakeside_news",
        url="https://www.instagram.com/lakeside_news/",
        login_username="x",
        login_email="x@sd.example",
        privacy="public",
        next_review_due=datetime.date(2030, 1, 1),
    )
    page.goto(f"{live_server.url}/api/v1/verify/badge/?url=https://www.instagram.com/lakeside_news/")
    expect(page.get_by_role("status")).to_have_text("✓ Official account of Lakeside Secondary")
    assert csp_errors == []
