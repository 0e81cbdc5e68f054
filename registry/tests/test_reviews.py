"""Site reviews (§1.2.1.3): confirm "still in use and current" or ask to decommission."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Notification
from registry import selectors, services
from registry.models import RegistryEntry, SiteReview
from registry.services import RegistryError


def make_overdue(entry):
    RegistryEntry.objects.filter(pk=entry.pk).update(next_review_due=timezone.localdate() - datetime.timedelta(days=1))
    entry.refresh_from_db()
    return entry


def test_confirming_a_review_sets_the_next_one_a_cadence_away_1_2_1_3(entry, teacher):
    make_overdue(entry)
    assert entry.review_overdue
    services.confirm_review(actor=teacher, entry=entry, note="Posting weekly.", identification_confirmed=True)
    entry.refresh_from_db()
    assert entry.next_review_due == timezone.localdate() + datetime.timedelta(days=entry.review_cadence_days)
    assert entry.last_reviewed_at is not None and not entry.review_overdue
    assert SiteReview.objects.get(entry=entry).outcome == "current"
    assert AuditEvent.objects.for_object(entry).filter(action="registry.review_confirmed").count() == 1


def test_a_co_admin_may_confirm_but_the_principal_and_others_may_not(entry, colleague, principal, teacher_b):
    services.confirm_review(actor=colleague, entry=entry, identification_confirmed=True)
    for user in (principal, teacher_b):
        with pytest.raises(RegistryError):
            services.confirm_review(actor=user, entry=entry, identification_confirmed=True)


def test_asking_to_decommission_tells_the_principal_once_1_2_1_3(entry, teacher, principal):
    services.request_decommission(actor=teacher, entry=entry, note="The club ended.")
    entry.refresh_from_db()
    assert entry.decommission_requested_at is not None
    assert Notification.objects.filter(recipient=principal, kind="registry.decommission_requested").count() == 1
    with pytest.raises(RegistryError, match="already requested"):
        services.request_decommission(actor=teacher, entry=entry)


def test_removing_after_a_decommission_request_clears_it(entry, teacher, principal):
    services.request_decommission(actor=teacher, entry=entry)
    services.remove_account(actor=principal, entry=entry, reason="Decommissioned at the owner's request.")
    entry.refresh_from_db()
    assert entry.status == "removed" and entry.decommission_requested_at is None


def test_overdue_reviews_are_counted_for_the_approver_only_for_active_accounts(entry, public_entry, principal):
    make_overdue(entry)
    make_overdue(public_entry)
    services.disable_account(actor=principal, entry=public_entry, reason="Paused.")
    assert selectors.approver_stats(principal)["overdue_reviews"] == 1
    assert selectors.approver_stats(principal)["disabled"] == 1


def test_the_review_buttons_on_the_account_page(entry, teacher, client_for):
    client = client_for(teacher)
    response = client.post(
        reverse("registry:review", args=[entry.pk]),
        {"outcome": "current", "identification_confirmed": "on"},
        follow=True,
    )
    assert "review recorded" in response.content.decode()
    response = client.post(reverse("registry:review", args=[entry.pk]), {"outcome": "decommission"}, follow=True)
    assert "asked to decommission" in response.content.decode()


def test_reviewing_is_post_only_and_hidden_from_other_schools(entry, teacher, teacher_b, client_for):
    url = reverse("registry:review", args=[entry.pk])
    assert client_for(teacher).get(url).status_code == 405
    assert client_for(teacher_b).post(url, {"outcome": "current"}).status_code == 404


# --- identification, checked at each review (§1.2.4) ---------------------------------------------------------


def test_a_review_without_confirming_the_identification_records_nothing_1_2_4(entry, teacher):
    with pytest.raises(RegistryError, match="still shows its identification"):
        services.confirm_review(actor=teacher, entry=entry, identification_confirmed=False)
    assert not SiteReview.objects.filter(entry=entry).exists()


def test_the_review_records_that_the_identification_was_confirmed_1_2_4(entry, teacher):
    review = services.confirm_review(actor=teacher, entry=entry, identification_confirmed=True)
    assert review.identification_confirmed
    event = AuditEvent.objects.for_object(entry).get(action="registry.review_confirmed")
    assert event.details["identification_confirmed"] is True


def test_an_account_without_identification_on_record_must_get_it_at_the_review_1_2_4(entry, teacher):
    RegistryEntry.objects.filter(pk=entry.pk).update(identification_text="", school_website_url="")
    with pytest.raises(RegistryError, match="Record how the site identifies itself"):
        services.confirm_review(actor=teacher, entry=entry, identification_confirmed=True)
    services.confirm_review(
        actor=teacher,
        entry=entry,
        identification_confirmed=True,
        identification_text="Ridgeview Elementary's room 12 page, a district site.",
        school_website_url="https://ridgeview.sd.example",
    )
    entry.refresh_from_db()
    assert entry.has_identification and entry.school_website_url == "https://ridgeview.sd.example"
    event = AuditEvent.objects.for_object(entry).get(action="registry.review_confirmed")
    assert event.details["fields"] == ["identification_text", "school_website_url"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ridgeview", "https://x.sd.example/" + "a" * 300])
def test_a_review_refuses_a_school_website_that_is_not_a_web_link_1_2_4(entry, teacher, url):
    with pytest.raises(RegistryError, match="full link"):
        services.confirm_review(actor=teacher, entry=entry, identification_confirmed=True, school_website_url=url)


def test_the_review_form_without_the_confirmation_box_says_why_and_keeps_the_review_due_1_2_4(
    entry, teacher, client_for
):
    before = RegistryEntry.objects.get(pk=entry.pk).next_review_due
    response = client_for(teacher).post(
        reverse("registry:review", args=[entry.pk]), {"outcome": "current"}, follow=True
    )
    assert "still shows its identification" in response.content.decode()
    assert RegistryEntry.objects.get(pk=entry.pk).next_review_due == before


def test_the_account_page_shows_the_identification_and_the_review_asks_about_it_1_2_4(entry, teacher, client_for):
    html = client_for(teacher).get(reverse("registry:detail", args=[entry.pk])).content.decode()
    assert entry.identification_text in html and entry.school_website_url in html
    assert 'name="identification_confirmed"' in html
