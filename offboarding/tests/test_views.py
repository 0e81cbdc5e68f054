"""The approvers' offboarding pages: their open cases with progress, one case, withdrawing a request."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from approvals.models import AccountRequest
from offboarding.models import CaseItem, OffboardingCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(owned, pending, teacher, school_a, leave):
    leave(teacher, school_a)
    return OffboardingCase.objects.get()


def test_the_principal_sees_the_case_with_its_progress_and_home_links_to_it(case, principal, client_for):
    client = client_for(principal)
    page = client.get(reverse("offboarding:list")).content.decode()
    assert "Tara Teacher" in page and "0 of 3 done" in page
    assert reverse("offboarding:list") in client.get(reverse("home")).content.decode()
    detail = client.get(reverse("offboarding:detail", args=[case.pk])).content.decode()
    assert "Choose a new owner" in detail and "Record a new password" in detail


def test_another_schools_principal_gets_404_for_the_case_and_an_employee_403_for_the_list(
    case, principal_b, colleague, client_for
):
    assert client_for(principal_b).get(reverse("offboarding:detail", args=[case.pk])).status_code == 404
    assert client_for(colleague).get(reverse("offboarding:list")).status_code == 403


def test_the_principal_withdraws_the_departed_persons_request_from_the_case(case, pending, principal, client_for):
    item = case.items.get(kind=CaseItem.Kind.PENDING_REQUEST)
    response = client_for(principal).post(reverse("offboarding:withdraw_request", args=[item.pk]))
    assert response.status_code == 302
    assert AccountRequest.objects.get(pk=pending.pk).status == AccountRequest.Status.WITHDRAWN
    assert CaseItem.objects.get(pk=item.pk).is_done


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "home"])
def test_the_registry_pages_return_to_the_case_but_never_to_an_outside_address(
    case, owned, colleague, principal, client_for, next_url
):
    client = client_for(principal)
    detail = client.get(reverse("offboarding:detail", args=[case.pk])).content.decode()
    case_url = reverse("offboarding:detail", args=[case.pk])
    transfer = reverse("registry:transfer", args=[owned.pk])
    assert f"{transfer}?next={case_url}" in detail
    response = client.post(f"{transfer}?next={next_url}", {"new_owner": colleague.pk})
    assert response.status_code == 302 and response.url == reverse("registry:detail", args=[owned.pk])
    credentials = reverse("registry:credentials", args=[owned.pk])
    data = {"login_username": "room12", "login_email": "room12@sd.example", "password": "New-Pass-2026"}
    response = client.post(f"{credentials}?next={case_url}", data)
    assert response.status_code == 302 and response.url == case_url


def test_the_principal_hands_the_departed_persons_request_to_a_colleague_from_the_case(
    case, pending, colleague, teacher, principal, client_for
):
    client = client_for(principal)
    item = case.items.get(kind=CaseItem.Kind.PENDING_REQUEST)
    detail = client.get(reverse("offboarding:detail", args=[case.pk])).content.decode()
    assert "Hand over the request" in detail and "Withdraw the request" in detail
    assert escape(colleague.display_name) in detail
    assert f">{escape(teacher.display_name)}<" not in detail  # never back to the person who left
    url = reverse("offboarding:reassign_request", args=[item.pk])
    response = client.post(url, {f"item{item.pk}-new_requester": colleague.pk}, follow=True)
    assert "The request is now Cole League’s" in response.content.decode()
    assert AccountRequest.objects.get(pk=pending.pk).requester == colleague
    assert CaseItem.objects.get(pk=item.pk).is_done


def test_an_unreadable_choice_of_colleague_changes_nothing(case, pending, teacher, principal, client_for):
    item = case.items.get(kind=CaseItem.Kind.PENDING_REQUEST)
    url = reverse("offboarding:reassign_request", args=[item.pk])
    response = client_for(principal).post(url, {f"item{item.pk}-new_requester": "99999999999999999999999"}, follow=True)
    assert "Choose a colleague of the unit" in response.content.decode()
    assert AccountRequest.objects.get(pk=pending.pk).requester == teacher
