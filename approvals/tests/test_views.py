"""The request screens: who reaches what (404 outside the scope, 403 for the wrong role), POST-only
state changes, messages after every action, and a form that never loses what was typed."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.factories import MembershipFactory
from accounts.models import Membership
from approvals import services
from approvals.factories import AccountRequestFactory
from approvals.models import AccountRequest
from notifications.models import Notification

from .conftest import ALL_CODES

S = AccountRequest.Status
PK_URLS = ["detail", "edit", "submit", "withdraw", "decide"]
POST_ONLY = ["submit", "withdraw"]


def url(name, account_request=None):
    return reverse(f"approvals:{name}", args=[account_request.pk] if account_request else None)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Anonymous users and GET on state changes --------------------------------------------------------


@pytest.mark.parametrize("name", ["mine", "create", "queue", *PK_URLS])
def test_anonymous_visitor_is_sent_to_sign_in(client, submitted, name):
    target = url(name, submitted if name in PK_URLS else None)
    response = client.post(target) if name in POST_ONLY else client.get(target)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", POST_ONLY)
def test_state_changing_urls_refuse_get(client_for, teacher, draft, name):
    response = client_for(teacher).get(url(name, draft))
    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_decision_is_never_taken_on_get(client_for, principal, submitted):
    response = client_for(principal).get(url("decide", submitted), {"decision": "approve"})
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


# --- Nobody outside the unit reaches a request by guessing its id ------------------------------------


@pytest.mark.parametrize("who", ["principal_b", "teacher_b", "colleague", "comms"])
@pytest.mark.parametrize("name", PK_URLS)
def test_users_outside_the_scope_get_404_on_every_request_url(request, client_for, submitted, who, name):
    client = client_for(request.getfixturevalue(who))
    target = url(name, submitted)
    response = client.post(target, {"decision": "approve"}) if name != "detail" else client.get(target)
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_an_approver_of_the_unit_does_not_see_drafts(client_for, principal, draft):
    assert client_for(principal).get(url("detail", draft)).status_code == 404


def test_a_missing_request_is_a_404(client_for, teacher):
    assert client_for(teacher).get(reverse("approvals:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("name", ["edit", "submit", "withdraw"])
def test_approver_who_may_see_a_request_cannot_change_it_for_the_requester(client_for, principal, submitted, name):
    client = client_for(principal)
    response = client.post(url(name, submitted)) if name in POST_ONLY else client.get(url(name, submitted))
    assert response.status_code == 403


# --- My requests -----------------------------------------------------------------------------------


def test_my_requests_lists_only_my_own_with_their_status(client_for, teacher, colleague, school_a):
    AccountRequestFactory(requester=teacher, org_unit=school_a, title="Tara garden blog")
    AccountRequestFactory(requester=colleague, org_unit=school_a, title="Cole robotics page")
    body = client_for(teacher).get(url("mine")).content.decode()
    assert "Tara garden blog" in body and "Cole robotics page" not in body
    assert 'class="badge status-draft"' in body


def test_my_requests_filter_by_status(client_for, teacher, school_a):
    AccountRequestFactory(requester=teacher, org_unit=school_a, title="The draft one")
    AccountRequestFactory(requester=teacher, org_unit=school_a, title="The waiting one", submitted=True)
    body = client_for(teacher).get(url("mine"), {"status": "submitted"}).content.decode()
    assert "The waiting one" in body and "The draft one" not in body


def test_my_requests_are_paginated(client_for, teacher, school_a):
    AccountRequestFactory.create_batch(21, requester=teacher, org_unit=school_a)
    client = client_for(teacher)
    assert len(client.get(url("mine")).context["page"].object_list) == 20
    assert len(client.get(url("mine"), {"page": 2}).context["page"].object_list) == 1


def test_my_requests_empty_state_invites_a_first_request(client_for, teacher):
    body = client_for(teacher).get(url("mine")).content.decode()
    assert "You have not asked for an account yet" in body
    assert url("create") in body


# --- Writing a request -----------------------------------------------------------------------------


def test_new_request_page_is_prefilled_from_the_unit(client_for, teacher, school_a, platform):
    body = client_for(teacher).get(url("create")).content.decode()
    assert school_a.website_url in body
    assert f"Professional social media site of {school_a.name}" in body
    assert 'value="teacher@sd.example"' in body


def test_someone_who_works_in_no_unit_cannot_start_a_request(client_for, principal_b):
    response = client_for(principal_b).get(url("create"))
    assert response.status_code == 302 and response["Location"] == url("mine")
    assert "not listed as staff" in flashed(response)[0]


def test_saving_a_draft_keeps_every_value_and_tick(client_for, teacher, post_data):
    for code in ALL_CODES[4:]:
        del post_data[f"ack_{code}"]
    client = client_for(teacher)
    response = client.post(url("create"), {**post_data, "action": "draft"})
    account_request = AccountRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", account_request)
    assert "Draft" in flashed(response)[0]
    assert account_request.status == S.DRAFT
    assert account_request.description == post_data["description"]
    page = client.get(url("edit", account_request))
    form = page.context["form"]
    assert [c for c in ALL_CODES if form[f"ack_{c}"].value()] == ALL_CODES[:4]
    body = page.content.decode()
    assert post_data["identification_text"] in body and post_data["account_email"] in body


def test_submitting_a_complete_new_request_sends_it_for_decision(client_for, teacher, principal, post_data):
    response = client_for(teacher).post(url("create"), {**post_data, "action": "submit"})
    account_request = AccountRequest.objects.get()
    assert account_request.status == S.SUBMITTED
    assert response["Location"] == url("detail", account_request)
    assert "was submitted" in flashed(response)[0]
    assert account_request.acknowledgements.count() == len(ALL_CODES)
    assert Notification.objects.get().recipient == principal


def test_form_errors_keep_everything_that_was_typed(client_for, teacher, post_data):
    post_data.update(account_email="tara@gmail.com", network="public", public_justification="")
    del post_data["ack_no_privacy"]
    response = client_for(teacher).post(url("create"), {**post_data, "action": "submit"})
    assert response.status_code == 200
    assert AccountRequest.objects.count() == 0
    form = response.context["form"]
    assert set(form.errors) == {"account_email", "public_justification", "ack_no_privacy"}
    body = response.content.decode()
    for value in ("tara@gmail.com", post_data["description"], post_data["identification_text"], post_data["title"]):
        assert value in body
    assert form["ack_ap1201"].value() and not form["ack_no_privacy"].value()
    assert "Everything you typed is still here" in body
    # The summary at the top links to each field to fix.
    assert 'href="#id_account_email"' in body and 'href="#id_ack_no_privacy"' in body
    assert "1 statement still to tick" in body


def test_a_draft_with_a_personal_address_is_not_saved(client_for, teacher, post_data):
    post_data["account_email"] = "tara@gmail.com"
    response = client_for(teacher).post(url("create"), {**post_data, "action": "draft"})
    assert response.status_code == 200 and AccountRequest.objects.count() == 0
    assert "§1.1.1" in response.content.decode()


def test_posting_another_schools_unit_is_refused(client_for, teacher, school_b, post_data):
    post_data["org_unit"] = school_b.pk
    response = client_for(teacher).post(url("create"), {**post_data, "action": "draft"})
    assert response.status_code == 200 and AccountRequest.objects.count() == 0


def test_posting_an_unapproved_platform_is_refused_1_4_7(client_for, teacher, tiktok, post_data):
    post_data["platform"] = tiktok.pk
    response = client_for(teacher).post(url("create"), {**post_data, "action": "draft"})
    assert response.status_code == 200 and AccountRequest.objects.count() == 0
    assert "TikTok" not in response.content.decode()


def test_editing_after_changes_requested_and_resubmitting(client_for, teacher, principal, submitted, post_data):
    services.request_changes(account_request=submitted, user=principal, comment="Name the grade in the title.")
    client = client_for(teacher)
    page = client.get(url("edit", submitted)).content.decode()
    assert "Name the grade in the title." in page
    post_data["title"] = "Grade 5 Room 12 class page"
    response = client.post(url("edit", submitted), {**post_data, "action": "submit"})
    assert response["Location"] == url("detail", submitted)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.title) == (S.SUBMITTED, "Grade 5 Room 12 class page")


def test_editing_a_submitted_request_is_refused_with_a_message(client_for, teacher, submitted):
    response = client_for(teacher).get(url("edit", submitted))
    assert response["Location"] == url("detail", submitted)
    assert "can no longer be edited" in flashed(response)[0]


def test_submit_button_on_a_complete_draft(client_for, teacher, draft):
    response = client_for(teacher).post(url("submit", draft))
    assert response["Location"] == url("detail", draft)
    assert "was submitted" in flashed(response)[0]
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


def test_submit_button_on_an_incomplete_draft_sends_the_requester_to_the_form(client_for, teacher, values):
    account_request = services.create_draft(requester=teacher, values=values, acknowledged=ALL_CODES[:1])
    response = client_for(teacher).post(url("submit", account_request))
    assert response["Location"] == url("edit", account_request)
    assert "not ready to submit" in flashed(response)[0]


def test_submitting_twice_is_refused_with_a_message(client_for, teacher, submitted):
    response = client_for(teacher).post(url("submit", submitted))
    assert response["Location"] == url("detail", submitted)
    assert "cannot submit" in flashed(response)[0]


def test_withdrawing_from_the_detail_page(client_for, teacher, principal, submitted):
    response = client_for(teacher).post(url("withdraw", submitted), {"reason": "Not needed any more."})
    assert response["Location"] == url("detail", submitted)
    assert "withdrawn" in flashed(response)[0]
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN


# --- Detail -----------------------------------------------------------------------------------------


def test_detail_shows_the_whole_request_acknowledgements_and_timeline(client_for, teacher, principal, submitted):
    services.request_changes(account_request=submitted, user=principal, comment="Add the grade, please.")
    body = client_for(teacher).get(url("detail", submitted)).content.decode()
    for text in (submitted.identification_text, submitted.account_email, submitted.school_website_url):
        assert text in body
    assert "2026-1" in body and "§1.2.1.2" in body  # acknowledgement version and clause
    assert "Started the request as a draft" in body
    assert "Submitted the request for a decision" in body
    assert "Asked for changes" in body and "Add the grade, please." in body
    assert "Priya Principal" in body


def test_timeline_names_the_fields_an_edit_changed(client_for, teacher, draft):
    services.update_draft(account_request=draft, user=teacher, values={"title": "Room 12 news"})
    body = client_for(teacher).get(url("detail", draft)).content.decode()
    assert "Edited the request" in body and "(site name)" in body


def test_acknowledgements_are_listed_in_the_order_the_form_asks_them(client_for, teacher, submitted):
    acks = client_for(teacher).get(url("detail", submitted)).context["acknowledgements"]
    assert [item["ack"].statement for item in acks] == ALL_CODES


def test_district_admin_reads_requests_in_the_django_admin(client_for, district_admin, submitted):
    client = client_for(district_admin)
    changelist = client.get(reverse("admin:approvals_accountrequest_changelist"), {"status__exact": "submitted"})
    assert changelist.status_code == 200 and submitted.title in changelist.content.decode()
    change = client.get(reverse("admin:approvals_accountrequest_change", args=[submitted.pk]))
    assert change.status_code == 200


def test_detail_is_visible_to_the_approver_and_the_district_admin(client_for, principal, district_admin, submitted):
    assert client_for(principal).get(url("detail", submitted)).status_code == 200
    assert client_for(district_admin).get(url("detail", submitted)).status_code == 200


def test_approved_request_shows_the_decision_and_the_next_step(client_for, teacher, principal, submitted):
    services.approve_request(account_request=submitted, user=principal)
    body = client_for(teacher).get(url("detail", submitted)).content.decode()
    assert "Approved by Priya Principal" in body
    assert "Next step:" in body


@pytest.mark.urls("approvals.tests.urls_with_register")
def test_approved_request_links_to_registering_the_account(client_for, teacher, principal, submitted):
    services.approve_request(account_request=submitted, user=principal)
    body = client_for(teacher).get(url("detail", submitted)).content.decode()
    assert f'href="/registry/register/{submitted.pk}/"' in body
    assert "Register the account" in body


@pytest.mark.urls("approvals.tests.urls_with_register")
def test_register_link_is_not_offered_before_approval(client_for, teacher, submitted):
    assert "Register the account" not in client_for(teacher).get(url("detail", submitted)).content.decode()


def test_approver_sees_a_decide_button_but_the_requester_does_not(client_for, teacher, principal, submitted):
    assert url("decide", submitted) in client_for(principal).get(url("detail", submitted)).content.decode()
    assert url("decide", submitted) not in client_for(teacher).get(url("detail", submitted)).content.decode()


# --- Queue and decisions ------------------------------------------------------------------------------


def test_queue_is_for_approvers_only(client_for, teacher):
    assert client_for(teacher).get(url("queue")).status_code == 403


def test_queue_lists_waiting_requests_of_my_units_oldest_first_with_age(
    client_for, principal, teacher, colleague, teacher_b, school_a, school_b
):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    AccountRequestFactory(requester=colleague, org_unit=school_a, title="Newer", submitted=True, submitted_at=now)
    AccountRequestFactory(
        requester=teacher, org_unit=school_a, title="Older", submitted=True, submitted_at=now - timedelta(days=3)
    )
    AccountRequestFactory(requester=teacher_b, org_unit=school_b, title="Other school", submitted=True)
    AccountRequestFactory(requester=teacher, org_unit=school_a, title="Still a draft")
    response = client_for(principal).get(url("queue"))
    titles = [r.title for r in response.context["page"].object_list]
    assert titles == ["Older", "Newer"]
    assert re.search(r"3\xa0days", response.content.decode())


def test_queue_never_lists_my_own_request(client_for, principal, school_a):
    AccountRequestFactory(requester=principal, org_unit=school_a, title="My own page", submitted=True)
    assert "My own page" not in client_for(principal).get(url("queue")).content.decode()


def test_queue_shows_recently_decided_requests(client_for, principal, submitted):
    services.approve_request(account_request=submitted, user=principal)
    client = client_for(principal)
    assert submitted.title not in client.get(url("queue")).content.decode()
    assert submitted.title in client.get(url("queue"), {"show": "decided"}).content.decode()


def test_queue_is_paginated(client_for, principal, colleague, school_a):
    AccountRequestFactory.create_batch(21, requester=colleague, org_unit=school_a, submitted=True)
    client = client_for(principal)
    assert len(client.get(url("queue")).context["page"].object_list) == 20
    assert len(client.get(url("queue"), {"page": 2}).context["page"].object_list) == 1


def test_decision_page_shows_the_request_and_its_acknowledgements(client_for, principal, submitted):
    body = client_for(principal).get(url("decide", submitted)).content.decode()
    assert submitted.description in body and "2026-1" in body
    assert "Record decision" in body


@pytest.mark.parametrize(
    "decision, comment, status, kind",
    [
        ("approve", "", S.APPROVED, "request.approved"),
        ("changes", "Add the grade.", S.CHANGES_REQUESTED, "request.changes_requested"),
        ("reject", "Use the school page.", S.REJECTED, "request.rejected"),
    ],
)
def test_approver_decides_from_the_decision_page(
    client_for, principal, teacher, submitted, decision, comment, status, kind
):
    response = client_for(principal).post(url("decide", submitted), {"decision": decision, "comment": comment})
    assert response["Location"] == url("queue")
    assert submitted.title in flashed(response)[0]
    submitted.refresh_from_db()
    assert submitted.status == status
    assert Notification.objects.filter(recipient=teacher, kind=kind).count() == 1


def test_rejecting_without_a_comment_shows_the_form_again(client_for, principal, submitted):
    response = client_for(principal).post(url("decide", submitted), {"decision": "reject", "comment": ""})
    assert response.status_code == 200 and "comment" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_teacher_cannot_decide_their_own_request_1_4_6(client_for, teacher, submitted):
    client = client_for(teacher)
    assert client.get(url("decide", submitted)).status_code == 403
    assert client.post(url("decide", submitted), {"decision": "approve"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_requester_who_approves_for_the_unit_still_cannot_decide_their_own_request_1_4_6(
    client_for, teacher, submitted, school_a
):
    MembershipFactory(user=teacher, org_unit=school_a, role=Membership.Role.APPROVER)
    assert client_for(teacher).post(url("decide", submitted), {"decision": "approve"}).status_code == 403


def test_the_late_second_decision_gets_a_clear_message(client_for, principal, district_admin, submitted):
    services.approve_request(account_request=submitted, user=district_admin)
    response = client_for(principal).post(url("decide", submitted), {"decision": "reject", "comment": "No."})
    assert response["Location"] == url("detail", submitted)
    assert "already approved by" in flashed(response)[0]
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED


def test_opening_the_decision_page_of_a_decided_request_explains_why_not(client_for, principal, submitted):
    services.approve_request(account_request=submitted, user=principal)
    response = client_for(principal).get(url("decide", submitted))
    assert response["Location"] == url("detail", submitted)
    assert "not waiting for a decision" in flashed(response)[0]


# --- Pages follow the Content-Security-Policy --------------------------------------------------------


def test_request_pages_have_no_inline_styles_or_scripts(client_for, teacher, principal, submitted):
    pages = [
        client_for(teacher).get(url("create")),
        client_for(teacher).get(url("mine")),
        client_for(teacher).get(url("detail", submitted)),
        client_for(principal).get(url("queue")),
        client_for(principal).get(url("decide", submitted)),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert " style=" not in body
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)
