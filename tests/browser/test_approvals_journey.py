"""Issue 3 journeys in a real browser, with the demo district (`make run` data):

the teacher drafts and submits, the principal asks for changes, the teacher fixes and resubmits,
the principal approves, and the teacher sees "Approved" with the next step. The principal of
another school cannot see or decide the request (404), and the teacher cannot approve their own (403).
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from approvals import services
from approvals.acknowledgements import STATEMENTS
from approvals.forms import ack_label
from approvals.models import AccountRequest
from catalogue.models import Platform

PASSWORD = "demo-pass-1311"
TEACHER = "teacher@sd.example"
PRINCIPAL = "principal@sd.example"
OTHER_PRINCIPAL = "principal2@sd.example"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0, without_requests=True)


@pytest.fixture
def waiting_request(demo):
    """A complete request of the demo teacher, submitted to the Ridgeview principal."""
    teacher = User.objects.get(email=TEACHER)
    unit = teacher.org_units.get(code="ridgeview")
    draft = services.create_draft(
        requester=teacher,
        values={
            "org_unit": unit,
            "platform": Platform.objects.get(name="Edublogs"),
            "title": "Room 12 reading blog",
            "school_based": True,
            "purpose": "instructional",
            "description": "Book reviews written by the class.",
            "intended_audience": "Room 12 students and parents",
            "network": "private",
            "comment_setting": "moderated",
            "account_email": "room12@sd.example",
            "identification_text": "Professional site of Ridgeview Elementary, Room 12.",
            "school_website_url": "https://ridgeview.sd.example",
        },
        acknowledged=[s.code for s in STATEMENTS],
    )
    return services.submit_request(account_request=draft, user=teacher)


def sign_in_as(page, login, email):
    page.context.clear_cookies()
    login(page, email, PASSWORD)


def test_request_is_drafted_sent_back_fixed_and_approved(page, live_server, login, demo):
    # The teacher starts a request from the home page and saves a draft with some statements open.
    sign_in_as(page, login, TEACHER)
    page.get_by_role("link", name="Request a new account").click()
    expect(page.get_by_role("heading", name="Request a new account")).to_be_visible()
    expect(page.get_by_label("Link to the school or unit website")).to_have_value("https://ridgeview.sd.example")
    page.get_by_role("combobox", name="Platform").select_option(label="Instagram")
    page.get_by_label("Site name").fill("Room 12 class page")
    page.get_by_role("radio", name="Instructional", exact=True).check()
    page.get_by_label("What the site is for").fill("Class news and photos of student work, with consent.")
    page.get_by_label("Intended audience").fill("Students and parents of Room 12")
    for statement in STATEMENTS[:3]:
        page.get_by_label(ack_label(statement), exact=True).check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft “Room 12 class page” saved")).to_be_visible()
    expect(page.locator(".badge.status-draft")).to_have_text("Draft")

    # Submitting with statements still open is refused, and nothing typed is lost.
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("The request was not submitted")).to_be_visible()
    expect(page.get_by_label("Site name")).to_have_value("Room 12 class page")
    expect(page.get_by_label(ack_label(STATEMENTS[0]), exact=True)).to_be_checked()
    for statement in STATEMENTS[3:]:
        page.get_by_label(ack_label(statement), exact=True).check()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("“Room 12 class page” was submitted")).to_be_visible()
    expect(page.locator(".badge.status-submitted")).to_be_visible()
    request_url = page.url

    # The principal finds it in the queue and asks for changes.
    sign_in_as(page, login, PRINCIPAL)
    page.goto(f"{live_server.url}/requests/queue/")
    expect(page.get_by_role("heading", name="Decisions")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Decide\W+Room 12 class page$")).click()
    page.get_by_label("Ask for changes").check()
    page.get_by_label("Comment for the requester").fill("Please name the grade in the site name.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("You asked for changes on “Room 12 class page”")).to_be_visible()

    # The teacher reads the comment, fixes the request and submits it again.
    sign_in_as(page, login, TEACHER)
    page.goto(request_url)
    expect(page.get_by_text("Please name the grade in the site name.").first).to_be_visible()
    page.get_by_role("link", name="Edit and resubmit").click()
    page.get_by_label("Site name").fill("Grade 5 Room 12 class page")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("“Grade 5 Room 12 class page” was submitted")).to_be_visible()

    # The principal approves.
    sign_in_as(page, login, PRINCIPAL)
    page.goto(f"{live_server.url}/requests/queue/")
    page.get_by_role("link", name=re.compile(r"^Decide\W+Grade 5 Room 12 class page$")).click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("You approved “Grade 5 Room 12 class page”")).to_be_visible()

    # The teacher sees "Approved" and the next step.
    sign_in_as(page, login, TEACHER)
    page.goto(request_url)
    expect(page.locator(".badge.status-approved")).to_have_text("Approved")
    expect(page.get_by_text("Next step:")).to_be_visible()
    expect(page.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(page.get_by_text("Asked for changes")).to_be_visible()
    register = page.get_by_role("link", name="Register the account")
    if register.count():
        expect(register).to_have_attribute("href", re.compile(r"/registry/"))
    assert AccountRequest.objects.get().status == AccountRequest.Status.APPROVED


def test_principal_of_another_school_can_neither_see_nor_decide_the_request(page, live_server, login, waiting_request):
    sign_in_as(page, login, OTHER_PRINCIPAL)
    for path in (f"/requests/{waiting_request.pk}/", f"/requests/{waiting_request.pk}/decide/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto(f"{live_server.url}/requests/queue/")
    expect(page.get_by_text("Nothing is waiting for your decision")).to_be_visible()


def test_teacher_cannot_approve_their_own_request(page, live_server, login, waiting_request):
    sign_in_as(page, login, TEACHER)
    page.goto(f"{live_server.url}/requests/{waiting_request.pk}/")
    expect(page.get_by_text("Waiting for a decision by a principal")).to_be_visible()
    expect(page.get_by_role("link", name="Decide this request")).to_have_count(0)
    response = page.goto(f"{live_server.url}/requests/{waiting_request.pk}/decide/")
    assert response.status == 403
    expect(page.get_by_text("You cannot decide your own request")).to_be_visible()
    waiting_request.refresh_from_db()
    assert waiting_request.status == AccountRequest.Status.SUBMITTED


def test_request_pages_have_no_serious_accessibility_violations(
    page, live_server, login, axe_violations, waiting_request
):
    sign_in_as(page, login, TEACHER)
    for path in ("/requests/", "/requests/new/", f"/requests/{waiting_request.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    sign_in_as(page, login, PRINCIPAL)
    for path in ("/requests/queue/", f"/requests/{waiting_request.pk}/decide/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
