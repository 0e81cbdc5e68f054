"""Sign-up and sign-in are limited to district addresses (AP 1311 §1.1.1); e-mail must be verified."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.factories import TEST_PASSWORD, UserFactory
from accounts.models import User
from notifications.models import Notification
from notifications.services import deliver_email

pytestmark = pytest.mark.django_db

SIGNUP = {"password1": "a-Long-unusual-pass-42", "password2": "a-Long-unusual-pass-42"}


def test_signup_with_personal_gmail_is_refused_with_clear_error_per_1_1_1(client):
    response = client.post(reverse("account_signup"), {"email": "tara@gmail.com", **SIGNUP})
    assert response.status_code == 200
    assert "Use your district e-mail address" in response.content.decode()
    assert "§1.1.1" in response.content.decode()
    assert not User.objects.filter(email="tara@gmail.com").exists()
    # What the user typed is kept.
    assert 'value="tara@gmail.com"' in response.content.decode()


def test_signup_with_lookalike_domain_is_refused(client):
    client.post(reverse("account_signup"), {"email": "tara@sd.example.evil.com", **SIGNUP})
    client.post(reverse("account_signup"), {"email": "tara@evilsd.example", **SIGNUP})
    assert not User.objects.exists()


def test_signup_with_district_email_requires_verification_before_sign_in(client):
    response = client.post(reverse("account_signup"), {"email": "New.Teacher@SD.example", **SIGNUP})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.teacher@sd.example")
    assert not EmailAddress.objects.get(user=user).verified
    # The confirmation e-mail waits in the outbox (sent after the request, retried on SMTP errors).
    queued = Notification.objects.get(recipient=user, email_only=True)
    assert mail.outbox == [] and deliver_email(queued.pk)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.teacher@sd.example"]
    # Signing in before verifying does not reach the portal.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new.teacher@sd.example", "password": SIGNUP["password1"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("home")).status_code == 302


def test_second_configured_district_domain_is_accepted(client):
    response = client.post(reverse("account_signup"), {"email": "staff@district.example", **SIGNUP})
    assert response.status_code == 302
    assert User.objects.filter(email="staff@district.example").exists()


def test_sign_in_with_personal_address_is_refused_before_password_check(client):
    response = client.post(reverse("account_login"), {"login": "someone@gmail.com", "password": "whatever"})
    assert response.status_code == 200
    assert "Use your district e-mail address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_verified_district_user_signs_in_and_lands_on_home(client):
    user = UserFactory(email="t@sd.example")
    response = client.post(reverse("account_login"), {"login": "t@sd.example", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_error_and_does_not_sign_in(client):
    UserFactory(email="t@sd.example")
    response = client.post(reverse("account_login"), {"login": "t@sd.example", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_mfa_totp_enrolment_page_is_available_to_signed_in_users(client_for, principal):
    response = client_for(principal).get(reverse("mfa_activate_totp"))
    # allauth asks for a fresh password before enrolment, or shows the QR code directly.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "reauthenticate" in response["Location"]
