"""Clauses the portal cannot watch on the site itself, recorded before the site exists: the request
cannot be submitted until the requester ticks the policy version written for the clause, and the
wording ticked is kept with the request (AP 1311 §1.2.3)."""

import pytest
from django.urls import reverse

from approvals import services
from approvals.models import PolicyVersion

from .conftest import ALL_CODES

pytestmark = pytest.mark.django_db


def _refused_until_ticked(code: str, clause: str, teacher, values) -> None:
    active = PolicyVersion.objects.get(code=code, is_active=True)
    assert active.clause == clause
    request = services.create_draft(requester=teacher, values=values, acknowledged=[c for c in ALL_CODES if c != code])
    with pytest.raises(services.WorkflowError) as refused:
        services.submit_request(account_request=request, user=teacher)
    assert list(refused.value.problems) == [f"ack_{code}"]
    assert clause in refused.value.problems[f"ack_{code}"]
    services.submit_request(account_request=request, user=teacher, acknowledged=ALL_CODES)
    assert request.acknowledgements.get(statement=code).statement_text == active.wording


def test_a_request_is_refused_until_the_professional_use_statement_is_ticked_1_2_1_1(teacher, values):
    _refused_until_ticked("professional_use", "§1.2.1.1", teacher, values)


def test_a_request_is_refused_until_the_statement_on_students_personal_accounts_is_ticked_1_2_1_2(teacher, values):
    _refused_until_ticked("student_accounts", "§1.2.1.2", teacher, values)


def test_a_request_is_refused_until_the_platform_rules_statement_is_ticked_1_3_4(teacher, values):
    _refused_until_ticked("platform_rules", "§1.3.4", teacher, values)


def test_the_request_form_links_the_terms_of_each_approved_platform_1_3_4(client_for, teacher, platform):
    page = client_for(teacher).get(reverse("approvals:create")).content.decode()
    assert platform.rules_url in page


def test_a_request_is_refused_until_the_student_information_and_consent_statement_is_ticked_1_3_6(teacher, values):
    _refused_until_ticked("student_pii", "§1.3.6", teacher, values)


def test_a_request_is_refused_until_the_no_expectation_of_privacy_statement_is_ticked_1_4_1(teacher, values):
    _refused_until_ticked("no_privacy", "§1.4.1", teacher, values)


def test_the_approver_decides_with_the_intended_audience_and_network_the_privacy_settings_serve_1_3_3(
    client_for, teacher, principal, values
):
    request = services.create_draft(
        requester=teacher,
        values={**values, "network": "public", "public_justification": "Families across the district follow it."},
        acknowledged=ALL_CODES,
    )
    services.submit_request(account_request=request, user=teacher)
    page = client_for(principal).get(reverse("approvals:decide", args=[request.pk])).content.decode()
    for shown in (values["intended_audience"], "Public network", "Families across the district follow it."):
        assert shown in page
