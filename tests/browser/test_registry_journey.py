"""The registry journey (issue 4): the teacher registers the approved account, the principal finds it in the
registry, reveals the password (signed in with two-factor minutes ago: not asked again), disables it with a reason,
and the teacher sees the feedback. Axe scans the registry pages on the way."""

import re
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import app_settings as totp_settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from approvals.models import AccountRequest
from catalogue.models import Platform
from registry.models import RegistryEntry

ACCOUNT_PASSWORD = "Room12-Secret-Pass!"
REASON = "Student photos posted without parental consent (§1.3.6)."


@pytest.fixture
def scene(transactional_db, school_a, teacher, principal):
    platform = Platform.objects.create(name="Instagram", is_approved=True, rules_url="https://help.instagram.com/")
    secret = generate_totp_secret()
    TOTP.activate(principal, secret)
    approved = AccountRequest.objects.create(
        requester=teacher,
        org_unit=school_a,
        platform=platform,
        status=AccountRequest.Status.APPROVED,
        title="Room 12 class news",
        description="Class news and reminders for families.",
        intended_audience="Families of room 12",
        network=AccountRequest.Network.PRIVATE,
        comment_setting=AccountRequest.Comments.OFF,
        account_email="room12.social@sd.example",
        identification_text="Professional site of Ridgeview Elementary, room 12.",
        school_website_url="https://ridgeview.sd.example",
        submitted_at=timezone.now(),
        decided_by=principal,
        decided_at=timezone.now(),
    )
    return SimpleNamespace(request=approved, totp_secret=secret)


@pytest.fixture(autouse=True)
def _code_of_the_neighbouring_period_too(settings):
    # A code typed just as its 30-second period ends still counts (as on a phone): no flaky sign-in.
    settings.MFA_TOTP_TOLERANCE = 1


def sign_in_with_two_factor(page, live_server, user, secret):
    page.goto(f"{live_server.url}/auth/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    counter = int(timezone.now().timestamp()) // totp_settings.TOTP_PERIOD
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, counter)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}/home/")


def test_teacher_registers_principal_reveals_and_disables_teacher_sees_feedback(
    page, live_server, login, axe_violations, scene, teacher, colleague, principal
):
    # 1. The teacher registers the approved account from the home page.
    login(page, teacher)
    page.get_by_role("link", name="Register Room 12 class news").click()
    page.get_by_label("Handle").fill("@room12news")
    page.get_by_label("Public URL").fill("https://www.instagram.com/room12news/")
    page.get_by_label("Login username").fill("room12news")
    page.get_by_label("Login e-mail").fill("room12.social@sd.example")
    page.get_by_label("Password", exact=True).fill(ACCOUNT_PASSWORD)
    page.get_by_label(colleague.display_name).check()  # the backup administrator (§1.4.5)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Register the account").click()
    expect(page.get_by_text("is registered")).to_be_visible()
    expect(page.get_by_role("heading", name="@room12news on Instagram")).to_be_visible()
    assert ACCOUNT_PASSWORD not in page.content()

    # 2. The principal signs in (password + authenticator code) and finds it in the registry.
    page.context.clear_cookies()
    sign_in_with_two_factor(page, live_server, principal, scene.totp_secret)
    page.get_by_role("button", name="My school").click()  # the approver's pages are grouped in a menu
    page.get_by_role("link", name="Registry", exact=True).click()
    page.get_by_role("searchbox", name="Search").fill("room12")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="room12news", exact=True)).to_be_visible()  # the login username
    assert axe_violations(page) == []
    page.get_by_role("link", name="@room12news").click()
    assert axe_violations(page) == []

    # 3. Reveal: a reason, and the account password is shown at once: the principal signed in with the
    # authenticator minutes ago, within the re-authentication window (issue 14: not asked again).
    page.get_by_label("Why do you need the login details?").fill("Tara is away; I must post the concert notice.")
    page.get_by_role("button", name="Show login details").click()
    expect(page.locator("#revealed-password")).to_have_text(ACCOUNT_PASSWORD)
    assert axe_violations(page) == []

    # 4. Disable it with a reason (§1.4.2).
    page.get_by_role("link", name="Done").click()
    page.get_by_role("link", name="Feedback, disable or remove").click()
    page.get_by_label("Disable the account").check()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Account disabled. The owner has been told.")).to_be_visible()
    assert RegistryEntry.objects.get().status == RegistryEntry.Status.DISABLED

    # 5. The teacher sees the feedback on their home and on the account page.
    page.context.clear_cookies()
    login(page, teacher)
    accounts = page.locator("section", has=page.get_by_role("heading", name="My accounts"))
    expect(accounts.get_by_text("Disabled", exact=True)).to_be_visible()
    accounts.get_by_role("link", name=re.compile("Disabled by")).click()
    expect(page.get_by_text(REASON, exact=True)).to_be_visible()
    expect(page.get_by_text("This account was disabled")).to_be_visible()


def test_the_public_check_answers_without_sign_in(page, live_server, axe_violations, scene, teacher, colleague):
    from registry import services

    scene.request.network = AccountRequest.Network.PUBLIC
    scene.request.save()
    services.register_account(
        actor=teacher,
        account_request=scene.request,
        handle="ridgeview_news",
        url="https://www.instagram.com/ridgeview_news/",
        login_username="rvnews",
        login_email="news@sd.example",
        privacy="public",
        co_admins=[colleague],
    )
    page.goto(live_server.url + reverse("landing"))
    page.get_by_role("link", name="Is this an official account?").click()
    page.get_by_label("Handle or link of the account").fill("https://instagram.com/ridgeview_news")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Yes: an official district account")).to_be_visible()
    expect(page.get_by_text("Ridgeview Elementary")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Handle or link of the account").fill("@ridgeview_news_official")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Not an official account")).to_be_visible()
