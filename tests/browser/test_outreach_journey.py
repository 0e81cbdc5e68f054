"""Journey (AP 1311 §1.5.1): a teacher logs a media inquiry and the communications manager closes it."""

import re

import pytest
from playwright.sync_api import expect


@pytest.fixture
def cast(transactional_db, teacher, comms, school_a):
    return teacher, comms


def test_teacher_logs_a_media_inquiry_and_the_communications_manager_closes_it(
    page, live_server, login, axe_violations, cast
):
    teacher, comms = cast

    # The teacher refers the inquiry from the navigation.
    login(page, teacher)
    page.get_by_role("link", name="Media inquiries").click()
    expect(page.get_by_role("heading", name="Media inquiries")).to_be_visible()
    page.get_by_role("link", name="Log a media inquiry").first.click()
    page.get_by_label("Site or account").fill("@ridgeview_gr5 on Instagram")
    page.get_by_label("Media outlet").fill("Valley Gazette")
    page.get_by_label("Contact person").fill("Rita Reporter")
    page.get_by_label("How to reach them").fill("rita@gazette.example")
    page.get_by_label("What they asked").fill("Can we visit the class garden for a story?")
    page.get_by_label("Deadline").fill("2030-02-01T16:00")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send to the communications manager").click()
    expect(page.get_by_text("the communications manager has been told")).to_be_visible()
    expect(page.get_by_text("Waiting for the communications manager").first).to_be_visible()
    detail_url = page.url
    assert re.search(r"/outreach/inquiries/\d+/$", detail_url)
    assert axe_violations(page) == []

    # The communications manager sees it on the home page and closes it with a note.
    page.context.clear_cookies()
    login(page, comms)
    expect(page.get_by_text("1 media inquiry is waiting for you to acknowledge")).to_be_visible()
    page.get_by_role("link", name="Review inquiries").click()
    page.get_by_role("link", name="Valley Gazette").click()
    expect(page).to_have_url(detail_url)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: the employee can see you have it.")).to_be_visible()
    page.get_by_label("Note for the employee").fill("Spoke with the Gazette; the district will host the visit.")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Close with this note").click()
    expect(page.get_by_text("Inquiry closed. The employee has been told.")).to_be_visible()
    expect(page.get_by_text("This inquiry is closed.")).to_be_visible()

    # The teacher sees the outcome.
    page.context.clear_cookies()
    login(page, teacher)
    page.goto(detail_url)
    expect(page.get_by_text("Spoke with the Gazette; the district will host the visit.")).to_be_visible()
    expect(page.locator(".badge", has_text="Closed")).to_be_visible()


def test_outreach_pages_have_no_serious_accessibility_violations_or_csp_errors(
    page, live_server, login, axe_violations, transactional_db, principal, teacher, school_a
):
    from datetime import timedelta

    from django.utils import timezone

    from outreach.models import SchoolEvent

    event = SchoolEvent.objects.create(
        org_unit=school_a,
        title="Winter concert",
        starts_at=timezone.now() + timedelta(hours=2),
        organiser=principal,
        created_by=principal,
    )
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, principal)
    for path in (
        "/outreach/events/",
        f"/outreach/events/{event.pk}/",
        "/outreach/events/new/",
        "/outreach/attestation/",
        "/outreach/inquiries/",
        "/home/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/outreach/events/{event.pk}/")
    page.get_by_role("button", name="I read it out to parents").click()
    expect(page.get_by_text("recorded as read out")).to_be_visible()
    assert errors == []
