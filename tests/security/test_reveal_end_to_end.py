"""Revealing a password end to end through allauth's real pages (security issue §3): a principal with
TOTP signs in with password + code, asks to see an account's login details, is sent to re-authenticate
(signing in is not enough), confirms with a fresh TOTP code, and only then sees the password; once the
re-authentication is older than ACCOUNT_REAUTHENTICATION_TIMEOUT, the next reveal asks again.

The registry's own tests cover the rules service by service (and the view with a simulated
re-authentication); this one goes through the sign-in, MFA and re-authentication views themselves.
"""

import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.urls import reverse

from accounts.factories import TEST_PASSWORD
from audit.models import AuditEvent
from tests.security.district import ENTRY_A_PASSWORD, build_district

pytestmark = pytest.mark.django_db


def code(secret: str, step: int = 0) -> str:
    """The TOTP code of the current 30-second period (+ step): what the principal's phone shows."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


@pytest.fixture
def principal_with_totp(settings):
    # Codes of the previous/next period are accepted, so the sign-in and the re-authentication can
    # use two different codes (allauth refuses a code twice) without waiting 30 seconds.
    settings.MFA_TOTP_TOLERANCE = 1
    d = build_district()
    secret = generate_totp_secret()
    TOTP.activate(d.approver_a, secret)
    return d, secret


def sign_in_with_password_and_code(client, user, secret):
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session, "signed in before the second factor"
    response = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def reveals(entry):
    return AuditEvent.objects.for_object(entry).filter(action="registry.credentials_revealed")


def test_a_principal_sees_a_password_only_after_mfa_sign_in_and_a_fresh_mfa_re_authentication(
    client, principal_with_totp, monkeypatch
):
    d, secret = principal_with_totp
    sign_in_with_password_and_code(client, d.approver_a, secret)
    reveal_url = reverse("registry:reveal", args=[d.entry_a.pk])

    # Signed in a second ago, with MFA: still not a re-authentication. The POST is kept aside.
    asked = client.post(reveal_url, {"reason": "Teacher away; posting the concert notice."})
    assert asked.status_code == 302
    assert urlsplit(asked["Location"]).path in (reverse("account_reauthenticate"), reverse("mfa_reauthenticate"))
    assert not reveals(d.entry_a).exists()

    # A wrong code reveals nothing.
    wrong = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": "000000"})
    assert wrong.status_code == 200 and ENTRY_A_PASSWORD not in wrong.content.decode()
    assert not reveals(d.entry_a).exists()

    # The right (new) code: allauth replays the kept POST and the reveal page shows the password.
    shown = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": code(secret, step=1)})
    assert shown.status_code == 200
    assert ENTRY_A_PASSWORD in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    event = reveals(d.entry_a).get()
    assert event.actor == d.approver_a and event.details["break_glass"] is True

    # Later than the re-authentication timeout: asked again, nothing more is revealed.
    later = time.time() + settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    again = client.post(reveal_url, {"reason": "Once more."})
    monkeypatch.undo()
    assert again.status_code == 302 and "reauthenticate" in again["Location"]
    assert reveals(d.entry_a).count() == 1


def test_a_principal_without_mfa_is_refused_even_after_confirming_the_password(client):
    d = build_district()
    client.post(reverse("account_login"), {"login": d.approver_a.email, "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(d.approver_a.pk)
    reveal_url = reverse("registry:reveal", args=[d.entry_a.pk])
    confirm = client.post(f"{reverse('account_reauthenticate')}?next={reveal_url}", {"password": TEST_PASSWORD})
    assert confirm.status_code == 302
    response = client.post(reveal_url, {"reason": "Audit."}, follow=True)
    assert "two-factor authentication" in response.content.decode()
    assert ENTRY_A_PASSWORD not in response.content.decode()
    assert not reveals(d.entry_a).exists()
