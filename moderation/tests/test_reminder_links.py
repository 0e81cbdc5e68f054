"""Every link in a reminder or escalation e-mail opens what the message describes, for its recipient
(issue 11, item 7). Each message is created by its real sweep, then each link is followed, signed in as
the person who received it, with the district clock on the morning of the sweep."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings

from approvals.factories import AccountRequestFactory
from moderation.models import CheckIn
from notifications.models import Notification
from notifications.sweeps import run_sweep

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 11, 27)
MORNING = datetime.datetime(2026, 11, 27, 7, 30, tzinfo=zoneinfo.ZoneInfo("America/Vancouver"))


def links_of(notification: Notification) -> list[str]:
    """The message's own link and every portal link in its body, as paths."""
    base = re.escape(settings.PORTAL_BASE_URL)
    found = [notification.url] + re.findall(base + r"(/\S+)", notification.body)
    return [link for link in found if link]


def follow(client_for, notification: Notification) -> list[tuple[str, str]]:
    client = client_for(notification.recipient)
    pages = []
    for link in links_of(notification):
        response = client.get(link)
        assert response.status_code == 200, link
        pages.append((link, response.content.decode()))
    return pages


@pytest.fixture
def district(make_entry, teacher, colleague, teacher_b, principal, school_a, school_b, long_ago, settings):
    settings.PORTAL = {**settings.PORTAL, "REVIEW_GRACE_DAYS": 14}
    old_review = {"next_review_due": FRIDAY - datetime.timedelta(days=30)}
    scene = {
        "daily": make_entry(teacher, school_a, handle="daily", comments="on", registered=long_ago),
        "weekly": make_entry(teacher, school_a, handle="weekly", comments="moderated", registered=long_ago),
        "quiet": make_entry(teacher, school_a, handle="quiet", comments="off", registered=long_ago),
        "stale": make_entry(teacher, school_a, handle="stale", comments="off", registered=long_ago, **old_review),
        "elsewhere": make_entry(teacher_b, school_b, handle="elsewhere", registered=long_ago, **old_review),
    }
    scene["diligent"] = make_entry(colleague, school_a, handle="diligent", comments="on", registered=long_ago)
    for n in range(1, 10):  # the colleague checked every day: never flagged
        CheckIn.objects.create(
            entry=scene["diligent"],
            period_start=FRIDAY - datetime.timedelta(days=n),
            comment_setting="on",
            checked_by=colleague,
        )
    AccountRequestFactory(
        requester=teacher,
        org_unit=school_a,
        submitted=True,
        title="Garden blog",
        submitted_at=MORNING - datetime.timedelta(days=5),
    )
    with time_machine.travel(MORNING, tick=False):
        for name in ("moderation", "reviews", "pending_approvals"):
            run_sweep(name)
    return scene


@pytest.fixture
def on_the_morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def message(kind, recipient) -> Notification:
    return Notification.objects.get(kind=kind, recipient=recipient)


def test_the_moderation_escalation_opens_the_registry_filtered_to_the_accounts_comment_settings_1_4_3(
    district, on_the_morning, client_for, principal
):
    escalation = message("escalation.moderation", principal)
    assert escalation.url == "/registry/?comments=moderated&comments=on"
    ((_, page),) = follow(client_for, escalation)
    assert "@daily" in page and "@weekly" in page
    assert "@quiet" not in page and "@stale" not in page and "@elsewhere" not in page


def test_the_review_escalation_opens_the_registry_filtered_to_overdue_reviews_1_2_1_3(
    district, on_the_morning, client_for, principal
):
    escalation = message("escalation.review", principal)
    assert "@stale" in escalation.body
    ((_, page),) = follow(client_for, escalation)
    assert "@stale" in page
    assert "@daily" not in page and "@quiet" not in page and "@elsewhere" not in page


def test_the_moderation_reminder_links_check_in_each_account_and_open_the_home_page_listing_them_1_4_3(
    district, on_the_morning, client_for, teacher
):
    reminder = message("reminder.moderation", teacher)
    pages = dict(follow(client_for, reminder))
    assert "@daily" in pages["/home/"] and "@weekly" in pages["/home/"]
    one_click = {link: page for link, page in pages.items() if link.startswith("/moderation/link/")}
    assert len(one_click) == 2
    assert all("I checked the comments" in page for page in one_click.values())
    client = client_for(teacher)
    for link in one_click:
        client.post(link)
    assert set(CheckIn.objects.filter(via="email").values_list("entry__handle", flat=True)) == {"daily", "weekly"}


def test_the_review_reminder_links_open_each_account_and_the_owners_list_1_2_1_3(
    district, on_the_morning, client_for, teacher
):
    reminder = message("reminder.review", teacher)
    pages = dict(follow(client_for, reminder))
    assert "@stale" in pages["/registry/mine/"]
    (detail,) = [page for link, page in pages.items() if link.startswith("/registry/") and link != "/registry/mine/"]
    assert "@stale" in detail


def test_the_pending_approvals_digest_opens_the_approvers_queue_with_the_request_1_4_6(
    district, on_the_morning, client_for, principal
):
    digest = message("reminder.pending_approvals", principal)
    ((_, page),) = follow(client_for, digest)
    assert "Garden blog" in page
