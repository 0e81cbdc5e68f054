"""Registering an approved request (§1.4.5, §1.4.6, §1.1.1, §1.4.3, §1.4.4)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import AccountRequest
from audit.models import AuditEvent
from notifications.models import Notification
from registry.models import PasswordChange, RegistryEntry
from registry.services import RegistryError

from .scenes import PASSWORD, register


def test_the_requester_registers_an_approved_request_and_becomes_its_owner_1_4_6(
    approved_request, teacher, principal, colleague
):
    entry = register(approved_request, co_admins=[colleague])
    assert entry.owner == teacher
    assert entry.handle == "Room12News"  # the @ is dropped
    assert entry.org_unit == approved_request.org_unit and entry.platform == approved_request.platform
    assert list(entry.co_admins.all()) == [colleague]
    assert entry.status == RegistryEntry.Status.ACTIVE
    assert AuditEvent.objects.for_object(entry).filter(action="registry.registered").count() == 1
    assert Notification.objects.filter(recipient=principal, kind="registry.registered").count() == 1
    assert Notification.objects.filter(recipient=colleague, kind="registry.co_admin_added").count() == 1


def test_the_first_review_is_due_one_district_cadence_after_registration_1_2_1_3(approved_request, settings):
    settings.PORTAL = {**settings.PORTAL, "REVIEW_CADENCE_DAYS": 30}
    entry = register(approved_request)
    assert entry.next_review_due == timezone.localdate() + datetime.timedelta(days=30)


def test_registration_keeps_a_dated_password_entry_without_the_password(approved_request):
    entry = register(approved_request)
    change = PasswordChange.objects.get(entry=entry)
    assert change.reason == PasswordChange.Reason.REGISTERED
    assert PASSWORD not in str(AuditEvent.objects.for_object(entry).values_list("details", flat=True))


@pytest.mark.parametrize(
    "status",
    [
        AccountRequest.Status.DRAFT,
        AccountRequest.Status.SUBMITTED,
        AccountRequest.Status.CHANGES_REQUESTED,
        AccountRequest.Status.REJECTED,
        AccountRequest.Status.WITHDRAWN,
    ],
)
def test_only_an_approved_request_can_be_registered_1_4_6(make_request, teacher, school_a, status):
    with pytest.raises(RegistryError, match="Only an approved request"):
        register(make_request(teacher, school_a, status=status))
    assert not RegistryEntry.objects.exists()


def test_an_approved_request_is_registered_only_once(approved_request):
    register(approved_request)
    with pytest.raises(RegistryError, match="already been registered"):
        register(approved_request, handle="another")


def test_the_principal_may_register_for_the_teacher_who_stays_the_owner(approved_request, principal, teacher):
    entry = register(approved_request, actor=principal)
    assert entry.owner == teacher and entry.registered_by == principal
    assert Notification.objects.filter(recipient=teacher, kind="registry.registered").count() == 1


@pytest.mark.parametrize("who", ["colleague", "teacher_b", "principal_b", "comms"])
def test_nobody_else_can_register_the_request(approved_request, who, request):
    with pytest.raises(RegistryError):
        register(approved_request, actor=request.getfixturevalue(who))


@pytest.mark.parametrize("field", ["login_email", "recovery_email"])
def test_a_personal_login_or_recovery_address_is_refused_1_1_1(approved_request, field):
    with pytest.raises(RegistryError, match="district e-mail"):
        register(approved_request, **{field: "room12@gmail.com"})


def test_a_handle_already_registered_on_the_platform_is_refused_whatever_its_case(make_request, teacher, school_a):
    register(make_request(teacher, school_a))
    with pytest.raises(RegistryError, match="already in the registry"):
        register(make_request(teacher, school_a, title="Second"), handle="room12NEWS")


def test_a_removed_account_frees_its_handle_but_stays_as_history(make_request, teacher, school_a, principal):
    from registry.services import remove_account

    old = register(make_request(teacher, school_a))
    remove_account(actor=principal, entry=old, reason="Closed at the end of the year.")
    new = register(make_request(teacher, school_a, title="Reopened"))
    assert RegistryEntry.objects.filter(handle__iexact="room12news").count() == 2
    assert new.pk != old.pk


def test_a_private_approval_cannot_be_registered_as_a_public_network_1_4_4(approved_request):
    with pytest.raises(RegistryError, match="private network"):
        register(approved_request, privacy=RegistryEntry.Privacy.PUBLIC)


def test_comments_cannot_be_off_on_a_platform_that_cannot_turn_them_off_1_4_3(
    make_request, teacher, school_a, other_platform
):
    with pytest.raises(RegistryError, match="cannot turn comments off"):
        register(make_request(teacher, school_a, platform=other_platform), comment_setting="off")


def test_co_admins_must_be_active_staff_of_the_unit(approved_request, teacher_b, colleague):
    with pytest.raises(RegistryError, match="not staff of this unit"):
        register(approved_request, co_admins=[teacher_b])
    colleague.is_active = False
    colleague.save()
    with pytest.raises(RegistryError, match="no longer has an active account"):
        register(approved_request, co_admins=[colleague])


# --- the view -----------------------------------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "handle": "room12news",
        "url": "https://www.instagram.com/room12news",
        "login_username": "room12news",
        "login_email": "room12.social@sd.example",
        "recovery_email": "",
        "password": PASSWORD,
        "privacy": "private",
        "comment_setting": "off",
    }
    data.update(overrides)
    return data


def test_the_teacher_registers_through_the_form_and_is_told_what_happened(
    approved_request, teacher, colleague, client_for
):
    client = client_for(teacher)
    url = reverse("registry:register", args=[approved_request.pk])
    page = client.get(url)
    assert page.status_code == 200 and PASSWORD not in page.content.decode()
    response = client.post(url, form_data(co_admins=[colleague.pk]), follow=True)
    entry = RegistryEntry.objects.get(request=approved_request)
    assert response.redirect_chain[-1][0] == reverse("registry:detail", args=[entry.pk])
    html = response.content.decode()
    assert "is registered" in html and PASSWORD not in html


def test_the_form_shows_the_rule_when_a_personal_address_is_used(approved_request, teacher, client_for):
    response = client_for(teacher).post(
        reverse("registry:register", args=[approved_request.pk]), form_data(login_email="x@gmail.com")
    )
    assert response.status_code == 200
    assert "§1.1.1" in response.content.decode()
    assert not RegistryEntry.objects.exists()


def test_another_school_gets_404_and_a_colleague_too(approved_request, teacher_b, colleague, client_for):
    url = reverse("registry:register", args=[approved_request.pk])
    assert client_for(teacher_b).get(url).status_code == 404
    assert client_for(colleague).get(url).status_code == 404


def test_registering_again_leads_to_the_existing_entry(entry, teacher, client_for):
    response = client_for(teacher).get(reverse("registry:register", args=[entry.request_id]))
    assert response.status_code == 302 and response["Location"] == reverse("registry:detail", args=[entry.pk])


def test_the_register_page_refuses_a_request_that_is_not_approved_with_the_rule_1_4_6(
    make_request, teacher, school_a, client_for
):
    submitted = make_request(teacher, school_a, status=AccountRequest.Status.SUBMITTED)
    response = client_for(teacher).get(reverse("registry:register", args=[submitted.pk]))
    assert response.status_code == 403
    assert "Only an approved request can be registered (§1.4.6)" in response.content.decode()


def test_the_form_shows_a_taken_handle_at_the_handle_field(entry, make_request, teacher, school_a, client_for):
    second = make_request(teacher, school_a, title="Second")
    response = client_for(teacher).post(reverse("registry:register", args=[second.pk]), form_data(handle="ROOM12news"))
    assert response.status_code == 200
    assert "already in the registry" in " ".join(response.context["form"].errors["handle"])


def test_registration_carries_the_identification_agreed_on_the_request_1_2_4(approved_request):
    entry = register(approved_request)
    assert entry.identification_text == approved_request.identification_text
    assert entry.school_website_url == approved_request.school_website_url
    assert entry.has_identification


def test_a_double_click_on_register_creates_one_entry_and_lands_on_it(approved_request, teacher, colleague, client_for):
    # Issue 12: the same form (same one-time token) sent twice registers once; the second lands on it.
    import re

    client = client_for(teacher)
    page = client.get(reverse("registry:register", args=[approved_request.pk])).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {**form_data(co_admins=[colleague.pk]), "form_token": token}
    first = client.post(reverse("registry:register", args=[approved_request.pk]), data)
    second = client.post(reverse("registry:register", args=[approved_request.pk]), data)
    entry = RegistryEntry.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("registry:detail", args=[entry.pk])


def test_a_line_break_in_the_handle_is_a_form_error_and_nothing_is_saved(approved_request, teacher, client_for):
    response = client_for(teacher).post(
        reverse("registry:register", args=[approved_request.pk]), form_data(handle="room12\r\nBcc: all")
    )
    assert response.status_code == 200 and "one line" in " ".join(response.context["form"].errors["handle"])
    assert not RegistryEntry.objects.exists()
