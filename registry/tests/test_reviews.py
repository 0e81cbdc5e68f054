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
    services.confirm_review(actor=teacher, entry=entry, note="Posting weekly.")
    entry.refresh_from_db()
    assert entry.next_review_due == timezone.localdate() + datetime.timedelta(days=entry.review_cadence_days)
    assert entry.last_reviewed_at is not None and not entry.review_overdue
    assert SiteReview.objects.get(entry=entry).outcome == "current"
    assert AuditEvent.objects.for_object(entry).filter(action="registry.review_confirmed").count() == 1


def test_a_co_admin_may_confirm_but_the_principal_and_others_may_not(entry, colleague, principal, teacher_b):
    services.confirm_review(actor=colleague, entry=entry)
    for user in (principal, teacher_b):
        with pytest.raises(RegistryError):
            services.confirm_review(actor=user, entry=entry)


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
    response = client.post(reverse("registry:review", args=[entry.pk]), {"outcome": "current"}, follow=True)
    assert "review recorded" in response.content.decode()
    response = client.post(reverse("registry:review", args=[entry.pk]), {"outcome": "decommission"}, follow=True)
    assert "asked to decommission" in response.content.decode()


def test_reviewing_is_post_only_and_hidden_from_other_schools(entry, teacher, teacher_b, client_for):
    url = reverse("registry:review", args=[entry.pk])
    assert client_for(teacher).get(url).status_code == 405
    assert client_for(teacher_b).post(url, {"outcome": "current"}).status_code == 404
