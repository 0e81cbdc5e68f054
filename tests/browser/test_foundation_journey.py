"""The first journey: the demo teacher signs in and lands on the employee home; axe scans pass."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_demo_teacher_signs_in_and_lands_on_employee_home(page, live_server, login, demo):
    login(page, "teacher@sd.example", "demo-pass-1311")
    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(page.get_by_text("Staff at Ridgeview Elementary")).to_be_visible()
    expect(page.get_by_role("heading", name="For your decision")).to_have_count(0)


def test_demo_principal_sees_the_approver_home(page, live_server, login, demo):
    login(page, "principal@sd.example", "demo-pass-1311")
    expect(page.get_by_role("heading", name="For your decision")).to_be_visible()


def test_personal_address_is_refused_in_the_browser(page, live_server, demo):
    page.goto(f"{live_server.url}/auth/login/")
    page.get_by_label("Email").fill("tara@gmail.com")
    page.get_by_label("Password").fill("demo-pass-1311")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Use your district e-mail address")).to_be_visible()


def test_sign_in_page_has_no_serious_accessibility_violations(page, live_server, axe_violations, demo):
    page.goto(f"{live_server.url}/auth/login/")
    assert axe_violations(page) == []


def test_employee_and_approver_homes_have_no_serious_accessibility_violations(
    page, live_server, login, axe_violations, demo
):
    login(page, "teacher@sd.example", "demo-pass-1311")
    assert axe_violations(page) == []
    page.context.clear_cookies()
    login(page, "principal@sd.example", "demo-pass-1311")
    assert axe_violations(page) == []


def test_static_assets_are_self_hosted_and_load_under_the_csp(page, live_server, demo):
    failures = []
    page.on("requestfailed", lambda r: failures.append(r.url))
    page.on("console", lambda m: failures.append(f"{m.text} {m.location}") if m.type == "error" else None)
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{live_server.url}/auth/login/")
    page.wait_for_load_state("networkidle")
    assert failures == []
    # Bootstrap's CSS applied: the navbar is styled (not the browser default block layout).
    assert page.locator("nav.navbar").evaluate("e => getComputedStyle(e).display") == "flex"
