"""Every demo role's main pages on desktop (1280 px) and phone (390 px), in the seeded demo district (issue 14):
no page scrolls sideways, the account menu is reachable, and axe finds no accessibility violation.

One browser, one context per role, the demo seeded once: failures are collected and reported together.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from approvals.models import AccountRequest
from outreach.models import MediaInquiry
from registry.models import RegistryEntry

PASSWORD = "demo-pass-1311"
SIZES = [(1280, 800), (390, 844)]


def _pages():
    room12 = RegistryEntry.objects.get(handle="ridgeview_room12").pk
    waiting = AccountRequest.objects.get(title="Ridgeview garden club blog").pk
    approved = AccountRequest.objects.get(title="Room 12 Grade 5 class page").pk
    inquiry = MediaInquiry.objects.get(outlet="CKRV Radio").pk
    common = [reverse("outreach:events"), reverse("outreach:inquiries"), reverse("notifications:list")]
    return {
        "teacher@sd.example": [
            reverse("home"),
            reverse("approvals:mine"),
            reverse("approvals:create"),
            reverse("approvals:detail", args=[approved]),
            reverse("registry:mine"),
            reverse("registry:detail", args=[room12]),
            reverse("outreach:attestation"),
            *common,
        ],
        "teacher2@sd.example": [reverse("home"), reverse("registry:mine")],
        "principal@sd.example": [
            reverse("home"),
            reverse("approvals:queue"),
            reverse("approvals:decide", args=[waiting]),
            reverse("registry:list"),
            reverse("registry:detail", args=[room12]),
            reverse("oversight:dashboard"),
            reverse("oversight:compliance", args=["ridgeview"]),
            reverse("audit:list"),
            *common,
        ],
        "principal2@sd.example": [reverse("home"), reverse("approvals:queue"), reverse("registry:list")],
        "comms@sd.example": [
            reverse("home"),
            reverse("outreach:inquiries"),
            reverse("outreach:inquiry_detail", args=[inquiry]),
            reverse("registry:list"),
        ],
        "admin@sd.example": [
            reverse("home"),
            reverse("oversight:dashboard"),
            reverse("audit:list"),
            reverse("registry:list"),
            reverse("approvals:queue"),
        ],
    }


@pytest.fixture
def demo_district(transactional_db):
    call_command("seed_demo", verbosity=0)


def _all_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:2]}" for v in results.response["violations"]
    ]


def _account_menu_reachable(page) -> bool:
    """The account menu (sign out, password, two-factor) opens from a visible button at this width."""
    button = page.locator("#account-menu")
    if not button.is_visible():
        return False
    button.click()
    reachable = page.get_by_role("button", name="Sign out").is_visible()
    page.keyboard.press("Escape")
    return reachable


def test_every_roles_main_pages_fit_keep_the_account_menu_and_pass_axe(browser, live_server, demo_district):
    problems = []
    for email, paths in _pages().items():
        context = browser.new_context(locale="en-CA", timezone_id="America/Vancouver")
        page = context.new_page()
        page.goto(f"{live_server.url}/auth/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/home/")
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            for path in paths:
                where = f"{email} {path} at {width}px"
                response = page.goto(live_server.url + path)
                if response.status != 200:
                    problems.append(f"{where}: HTTP {response.status}")
                    continue
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if scroll > inner:
                    problems.append(f"{where}: {scroll} px wide, scrolls sideways")
                if not _account_menu_reachable(page):
                    problems.append(f"{where}: account menu not reachable")
                problems += [f"{where}: axe {v}" for v in _all_violations(page)]
        context.close()
    assert not problems, "\n".join(problems)
