"""Sign-in abuse: allauth's rate limits, and no user enumeration through sign-up or password reset."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_are_rate_limited_even_with_the_right_one_after(client):
    UserFactory(email="victim@sd.example")
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "victim@sd.example", "password": "guess"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": "victim@sd.example", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_repeated_password_reset_requests_are_rate_limited(client):
    UserFactory(email="victim@sd.example")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "victim@sd.example"}).status_code for _ in range(8)
    ]
    assert statuses[0] == 302
    assert 429 in statuses
    assert len(mail.outbox) <= 5


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    UserFactory(email="known@sd.example")
    known = client.post(reverse("account_reset_password"), {"email": "known@sd.example"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@sd.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_sign_up_with_an_existing_address_looks_like_a_new_sign_up(client):
    UserFactory(email="known@sd.example")
    data = {"password1": "a-Long-unusual-pass-42", "password2": "a-Long-unusual-pass-42"}
    existing = client.post(reverse("account_signup"), {"email": "known@sd.example", **data})
    client.logout()
    new = client.post(reverse("account_signup"), {"email": "brand.new@sd.example", **data})
    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"]
