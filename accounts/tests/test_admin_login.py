"""The Django admin is reached only through allauth's sign-in, second factor included (issue 11)."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

from accounts.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_with_totp(district_admin):
    district_admin.is_staff = True
    district_admin.save()
    secret = generate_totp_secret()
    TOTP.activate(district_admin, secret)
    return district_admin, secret


def test_the_admin_login_page_sends_people_to_the_portal_sign_in(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login") and parse_qs(location.query)["next"] == ["/admin/"]


def test_a_password_posted_to_the_admin_login_signs_nobody_in(client, admin_with_totp):
    user, _ = admin_with_totp
    response = client.post(reverse("admin:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and urlsplit(response["Location"]).path == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert urlsplit(client.get(reverse("admin:index"))["Location"]).path == reverse("admin:login")


def test_a_district_admin_with_totp_cannot_reach_the_admin_without_the_code(client, admin_with_totp):
    user, secret = admin_with_totp
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # password alone: not signed in
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_signed_in_employee_is_refused_by_the_admin(client_for, teacher):
    assert client_for(teacher).get(reverse("admin:login")).status_code == 403
