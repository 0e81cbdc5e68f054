"""Revealing credentials (§1.4.5): who may, re-authentication, MFA, break-glass reasons, audit and notice."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from registry import selectors, services
from registry.services import RegistryError

from .scenes import PASSWORD


def reveal(entry, user, reason="", reauthenticated=True):
    return services.reveal_credentials(actor=user, entry=entry, reason=reason, reauthenticated=reauthenticated)


def reveals(entry):
    return AuditEvent.objects.for_object(entry).filter(action="registry.credentials_revealed")


# --- the service: every role ----------------------------------------------------------------------------------


def test_the_owner_sees_the_password_without_a_reason_and_is_not_notified_of_their_own_view(entry, teacher):
    assert reveal(entry, teacher).password == PASSWORD
    assert reveals(entry).count() == 1
    assert not Notification.objects.filter(kind="registry.credentials_revealed").exists()


def test_a_co_admin_sees_it_without_a_reason_and_the_owner_is_told(entry, colleague, teacher):
    assert reveal(entry, colleague).password == PASSWORD
    notice = Notification.objects.get(kind="registry.credentials_revealed")
    assert notice.recipient == teacher and colleague.short_name in notice.body


def test_the_principal_with_mfa_and_a_reason_sees_it_once_audited_and_the_owner_told_why(
    entry, principal, teacher, enroll_mfa
):
    enroll_mfa(principal)
    revealed = reveal(entry, principal, reason="Teacher on leave; posting the concert notice.")
    assert revealed.password == PASSWORD
    event = reveals(entry).get()
    assert event.actor == principal and event.details["break_glass"] is True
    assert event.details["reason"] == "Teacher on leave; posting the concert notice."
    assert PASSWORD not in str(event.details)
    notice = Notification.objects.get(kind="registry.credentials_revealed")
    assert notice.recipient == teacher
    assert principal.short_name in notice.body and "concert notice" in notice.body
    assert PASSWORD not in notice.body + notice.subject


def test_an_approver_without_mfa_is_refused(entry, principal):
    with pytest.raises(RegistryError, match="two-factor"):
        reveal(entry, principal, reason="Audit")
    assert not reveals(entry).exists()


def test_an_approver_who_does_not_administer_the_account_must_give_a_reason(entry, principal, enroll_mfa):
    enroll_mfa(principal)
    with pytest.raises(RegistryError, match="Say why"):
        reveal(entry, principal, reason="   ")
    assert not reveals(entry).exists()


def test_a_district_admin_with_mfa_and_a_reason_may_reveal(entry, district_admin, enroll_mfa):
    enroll_mfa(district_admin)
    assert reveal(entry, district_admin, reason="Security incident #42").password == PASSWORD


def test_a_district_admin_without_mfa_is_refused(entry, district_admin):
    with pytest.raises(RegistryError, match="two-factor"):
        reveal(entry, district_admin, reason="Security incident #42")


@pytest.mark.parametrize("who", ["teacher_b", "principal_b", "comms"])
def test_people_outside_the_account_cannot_reveal_even_with_mfa_and_a_reason(entry, who, request, enroll_mfa):
    user = enroll_mfa(request.getfixturevalue(who))
    with pytest.raises(RegistryError, match="cannot see the login details"):
        reveal(entry, user, reason="curious")
    assert not reveals(entry).exists()


def test_without_a_recent_re_authentication_nothing_is_revealed(entry, teacher):
    with pytest.raises(RegistryError, match="Confirm your password"):
        reveal(entry, teacher, reauthenticated=False)
    assert not reveals(entry).exists()


def test_an_owner_cannot_reveal_a_disabled_account_but_the_principal_can(entry, teacher, principal, enroll_mfa):
    services.disable_account(actor=principal, entry=entry, reason="Student photos without consent (§1.3.6).")
    with pytest.raises(RegistryError):
        reveal(entry, teacher)
    enroll_mfa(principal)
    assert reveal(entry, principal, reason="Changing the password before review.").password == PASSWORD


def test_each_reveal_writes_one_event_and_one_owner_notice(entry, colleague):
    for _ in range(3):
        reveal(entry, colleague)
    assert reveals(entry).count() == 3
    assert Notification.objects.filter(kind="registry.credentials_revealed").count() == 3


def test_the_predicates_match_the_roles(entry, teacher, colleague, principal, principal_b, teacher_b, comms):
    assert [selectors.can_reveal(u, entry) for u in (teacher, colleague, principal)] == [True, True, True]
    assert [selectors.can_reveal(u, entry) for u in (principal_b, teacher_b, comms)] == [False, False, False]
    assert selectors.reveal_needs_reason(principal, entry) and not selectors.reveal_needs_reason(colleague, entry)
    assert selectors.reveal_needs_mfa(principal) and not selectors.reveal_needs_mfa(teacher)


# --- the view -----------------------------------------------------------------------------------------------------


def test_reveal_is_post_only(entry, teacher, reauthenticated):
    assert reauthenticated(teacher).get(reverse("registry:reveal", args=[entry.pk])).status_code == 405


def test_without_re_authentication_the_view_asks_for_the_password_first(entry, teacher, client_for):
    response = client_for(teacher).post(reverse("registry:reveal", args=[entry.pk]), {"reason": ""})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not reveals(entry).exists()


def test_after_confirming_the_password_the_stashed_reveal_runs_and_shows_the_password(entry, teacher, client_for):
    from accounts.factories import TEST_PASSWORD

    client = client_for(teacher)
    url = reverse("registry:reveal", args=[entry.pk])
    first = client.post(url, {"reason": ""})
    response = client.post(first["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 200
    assert PASSWORD in response.content.decode()
    assert reveals(entry).count() == 1


def test_a_recently_re_authenticated_owner_sees_the_password_on_a_no_store_page(entry, teacher, reauthenticated):
    response = reauthenticated(teacher).post(reverse("registry:reveal", args=[entry.pk]), {"reason": ""})
    assert response.status_code == 200
    assert PASSWORD in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_the_detail_page_never_contains_the_password(entry, teacher, principal, client_for):
    for user in (teacher, principal):
        html = client_for(user).get(reverse("registry:detail", args=[entry.pk])).content.decode()
        assert PASSWORD not in html and entry.login_username in html


def test_a_principal_without_mfa_is_sent_back_with_a_message(entry, principal, reauthenticated):
    response = reauthenticated(principal).post(
        reverse("registry:reveal", args=[entry.pk]), {"reason": "Check"}, follow=True
    )
    assert "two-factor authentication" in response.content.decode()
    assert not reveals(entry).exists()


def test_a_principal_without_a_reason_is_sent_back_with_a_message(entry, principal, reauthenticated, enroll_mfa):
    enroll_mfa(principal)
    response = reauthenticated(principal).post(reverse("registry:reveal", args=[entry.pk]), {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    assert not reveals(entry).exists()


def test_the_principal_reveals_with_mfa_re_authentication_and_a_reason(entry, principal, reauthenticated, enroll_mfa):
    enroll_mfa(principal)
    response = reauthenticated(principal).post(reverse("registry:reveal", args=[entry.pk]), {"reason": "Teacher away"})
    assert PASSWORD in response.content.decode()
    assert reveals(entry).get().details["reason"] == "Teacher away"


def test_other_schools_get_404_and_comms_gets_403_on_a_public_account(
    public_entry, principal_b, comms, reauthenticated, enroll_mfa
):
    url = reverse("registry:reveal", args=[public_entry.pk])
    assert reauthenticated(enroll_mfa(principal_b)).post(url, {"reason": "x"}).status_code == 404
    assert reauthenticated(comms).post(url, {"reason": "x"}).status_code == 403
