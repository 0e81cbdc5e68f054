"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against the live server.

Never downloads a browser. Without Chromium the tests skip with a loud reason, except in CI
(CI=true), where a missing browser is a failure: CI always installs it.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make for
# fixtures are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(config, items):
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    if not os.path.exists(CHROMIUM):
        message = f"BROWSER TESTS NOT RUN: no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {"executable_path": CHROMIUM, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-CA", "timezone_id": "America/Vancouver"}


@pytest.fixture
def login(live_server):
    """`login(page, user_or_email, password=TEST_PASSWORD)`: signs in through the real form."""
    from accounts.factories import TEST_PASSWORD

    def _login(page, user, password=TEST_PASSWORD):
        email = getattr(user, "email", user)
        page.goto(f"{live_server.url}/auth/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/home/")
        return page

    return _login


@pytest.fixture
def axe_violations():
    """`axe_violations(page)` → the serious and critical axe-core violations on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _run(page):
        results = axe.run(page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return _run
