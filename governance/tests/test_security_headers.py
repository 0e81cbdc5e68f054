"""Security headers on real responses (the production transport settings are checked by check --deploy)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_page_sends_csp_frame_denial_nosniff_and_referrer_policy(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_samesite(client, teacher):
    from accounts.factories import TEST_PASSWORD

    response = client.post(reverse("account_login"), {"login": teacher.email, "password": TEST_PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_hsts_and_secure_cookies_in_https_mode(client, settings, teacher):
    from accounts.factories import TEST_PASSWORD

    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(reverse("account_login"), {"login": teacher.email, "password": TEST_PASSWORD}, secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["sessionid"]["secure"]
