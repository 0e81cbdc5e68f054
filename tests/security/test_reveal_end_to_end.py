"""Revealing a password end to end through allauth's real pages (issue 11 item 1, issue 14 item 6).

A principal or district admin with TOTP sees a password only when this session passed the second factor
recently (ACCOUNT_REAUTHENTICATION_TIMEOUT): right after signing in with password + code they are not
asked again; later they are asked for a code, and a password re-authentication is not enough. The
service decides from the session's own authentication records (registry.selectors.recently_authenticated).
The two-factor set-up started from an account comes back to it, and an enrolled principal reveals in at
most three pages from the account page.

The registry's own tests cover the rules service by service; this one goes through the sign-in, MFA and
re-authentication views themselves.
"""

import time
from urllib.parse import urlsplit

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.urls import reverse

from accounts.factories import TEST_PASSWORD
from audit.models import AuditEvent
from tests.security.district import ENTRY_A_PASSWORD, build_district

pytestmark = pytest.mark.django_db


def code(secret: str, step: int = 0) -> str:
    """The TOTP code of the current 30-second period (+ step): what the principal's phone shows."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


@pytest.fixture(autouse=True)
def _two_codes_per_period(settings):
    # Codes of the previous/next period are accepted, so one test can use several different codes (allauth
    # refuses a code twice) without waiting 30 seconds.
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def principal_with_totp():
    d = build_district()
    secret = generate_totp_secret()
    TOTP.activate(d.approver_a, secret)
    return d, secret


@pytest.fixture
def admin_with_totp():
    d = build_district()
    secret = generate_totp_secret()
    TOTP.activate(d.district_admin, secret)
    return d, secret


def sign_in_with_password_and_code(client, user, secret):
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session, "signed in before the second factor"
    response = client.post(reverse("mfa_authenticate"), {"code": code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def age_the_session(client, seconds=None):
    """Everything the session proved happened `seconds` ago (default: just beyond the window)."""
    seconds = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1 if seconds is None else seconds
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**r, "at": r["at"] - seconds} for r in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def reveals(entry=None):
    events = AuditEvent.objects.filter(action="registry.credentials_revealed")
    return events.filter(target_id=str(entry.pk)) if entry is not None else events


def path_of(response) -> str:
    return urlsplit(response["Location"]).path


def test_a_principal_signed_in_with_the_code_is_not_asked_again_within_the_window(client, principal_with_totp):
    d, secret = principal_with_totp
    sign_in_with_password_and_code(client, d.approver_a, secret)
    shown = client.post(reverse("registry:reveal", args=[d.entry_a.pk]), {"reason": "Teacher away."})
    assert shown.status_code == 200 and ENTRY_A_PASSWORD in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    event = reveals(d.entry_a).get()
    assert event.actor == d.approver_a and event.details["break_glass"] is True


def test_after_the_window_a_principal_needs_a_fresh_code_and_a_password_is_not_enough(client, principal_with_totp):
    d, secret = principal_with_totp
    sign_in_with_password_and_code(client, d.approver_a, secret)
    age_the_session(client)
    reveal_url = reverse("registry:reveal", args=[d.entry_a.pk])

    # Asked for a code straight away (not the password). The POST is kept aside.
    asked = client.post(reveal_url, {"reason": "Teacher away; posting the concert notice."})
    assert asked.status_code == 302 and path_of(asked) == reverse("mfa_reauthenticate")

    # Confirming the password instead replays the reveal, which asks for the code again: nothing shown.
    password = client.post(f"{reverse('account_reauthenticate')}?next={reveal_url}", {"password": TEST_PASSWORD})
    assert ENTRY_A_PASSWORD not in password.content.decode()
    assert password.status_code == 302 and path_of(password) == reverse("mfa_reauthenticate")
    assert not reveals().exists()

    # A wrong code reveals nothing.
    wrong = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": "000000"})
    assert wrong.status_code == 200 and ENTRY_A_PASSWORD not in wrong.content.decode()
    assert not reveals().exists()

    # The right (new) code: allauth replays the kept POST and the reveal page shows the password.
    shown = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": code(secret, step=1)})
    assert shown.status_code == 200 and ENTRY_A_PASSWORD in shown.content.decode()
    assert reveals(d.entry_a).count() == 1


def test_a_district_admin_with_totp_cannot_reveal_anything_without_the_code(client, admin_with_totp):
    d, secret = admin_with_totp
    admin = d.district_admin
    reveal_url = reverse("registry:reveal", args=[d.entry_a.pk])
    # The password step alone: the session is not signed in, the reveal sends to the sign-in page.
    client.post(reverse("account_login"), {"login": admin.email, "password": TEST_PASSWORD})
    response = client.post(reveal_url, {"reason": "Security incident #42"})
    assert response.status_code == 302 and path_of(response) == reverse("account_login")
    # Signed in with the code, but long ago: a fresh password does not reveal, a wrong code neither.
    assert client.post(reverse("mfa_authenticate"), {"code": code(secret)}).status_code == 302
    age_the_session(client)
    for entry in (d.entry_a, d.entry_b):
        url = reverse("registry:reveal", args=[entry.pk])
        assert path_of(client.post(url, {"reason": "Security incident #42"})) == reverse("mfa_reauthenticate")
        client.post(f"{reverse('account_reauthenticate')}?next={url}", {"password": TEST_PASSWORD})
        client.post(f"{reverse('mfa_reauthenticate')}?next={url}", {"code": "000000"})
    assert not reveals().exists()
    # With the code it works (the test's way in is real).
    client.post(reveal_url, {"reason": "Security incident #42"})
    shown = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": code(secret, step=1)})
    assert ENTRY_A_PASSWORD in shown.content.decode() and reveals().count() == 1


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
    assert not reveals().exists()


class Journey:
    """Counts what the person sees: each page rendered (status 200) is one screen; redirects are free."""

    def __init__(self, client):
        self.client, self.pages = client, []

    def _follow(self, response):
        while response.status_code == 302:
            response = self.client.get(response["Location"])
        self.pages.append(response.wsgi_request.path)
        return response

    def get(self, url):
        return self._follow(self.client.get(url))

    def post(self, url, data):
        return self._follow(self.client.post(url, data))


def test_an_enrolled_principal_reveals_in_at_most_three_screens_from_the_account_page(client, principal_with_totp):
    """Issue 14 item 6: the account page, the code, the password; within the window, no code at all."""
    d, secret = principal_with_totp
    sign_in_with_password_and_code(client, d.approver_a, secret)
    age_the_session(client)
    detail, reveal_url = (
        reverse("registry:detail", args=[d.entry_a.pk]),
        reverse("registry:reveal", args=[d.entry_a.pk]),
    )

    journey = Journey(client)
    page = journey.get(detail)
    assert f'action="{reveal_url}"' in page.content.decode()
    asked = journey.post(reveal_url, {"reason": "Teacher away."})
    assert asked.wsgi_request.path == reverse("mfa_reauthenticate")
    shown = journey.post(asked.wsgi_request.get_full_path(), {"code": code(secret, step=1)})
    assert ENTRY_A_PASSWORD in shown.content.decode()
    assert len(journey.pages) <= 3, journey.pages

    # Right after that code, the next reveal is one screen from the account page.
    again = Journey(client)
    again.get(detail)
    assert ENTRY_A_PASSWORD in again.post(reveal_url, {"reason": "Once more."}).content.decode()
    assert len(again.pages) == 2, again.pages


def test_a_two_factor_set_up_started_from_an_account_comes_back_to_it_with_the_recovery_codes_on_the_way(client):
    d = build_district()
    principal = d.approver_a
    client.post(reverse("account_login"), {"login": principal.email, "password": TEST_PASSWORD})
    detail = reverse("registry:detail", args=[d.entry_a.pk])
    page = client.get(detail).content.decode()
    setup_url = reverse("registry:setup_two_factor", args=[d.entry_a.pk])
    assert f'href="{setup_url}"' in page

    response = client.get(setup_url)
    assert path_of(response) == reverse("mfa_activate_totp")
    # allauth asks for the password before adding a factor, then shows the QR code and its secret.
    response = client.get(response["Location"])
    assert path_of(response) == reverse("account_reauthenticate")
    response = client.post(response["Location"], {"password": TEST_PASSWORD}, follow=True)
    assert response.wsgi_request.path == reverse("mfa_activate_totp") and response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    done = client.post(reverse("mfa_activate_totp"), {"code": code(secret)})
    assert path_of(done) == reverse("mfa_view_recovery_codes")
    codes = client.get(done["Location"]).content.decode()
    assert "Recovery codes" in codes or "recovery codes" in codes.lower()
    assert f'href="{detail}"' in codes and f"Back to {d.entry_a}" in codes

    # Back on the account: the reveal asks for a code once, then shows the password.
    assert "registry_two_factor_return" in client.session
    assert client.get(detail).status_code == 200
    assert "registry_two_factor_return" not in client.session
    reveal_url = reverse("registry:reveal", args=[d.entry_a.pk])
    asked = client.post(reveal_url, {"reason": "Teacher away."})
    assert path_of(asked) == reverse("mfa_reauthenticate")
    shown = client.post(f"{reverse('mfa_reauthenticate')}?next={reveal_url}", {"code": code(secret, step=1)})
    assert ENTRY_A_PASSWORD in shown.content.decode()
