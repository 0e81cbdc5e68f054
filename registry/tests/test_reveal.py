"""Revealing credentials (§1.4.5): who may, re-authentication, MFA, break-glass reasons, audit and notice."""

import inspect

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from registry import selectors, services
from registry.models import RegistryEntry
from registry.services import RegistryError

from .scenes import PASSWORD, fresh_records, records


def reveal(entry, user, reason="", authentication_records=None):
    if authentication_records is None:
        authentication_records = fresh_records(user)
    return services.reveal_credentials(
        actor=user, entry=entry, reason=reason, authentication_records=authentication_records
    )


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
    too_old = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    for session in ([], records("password", age=too_old)):
        with pytest.raises(RegistryError, match="Confirm your password"):
            reveal(entry, teacher, authentication_records=session)
    assert not reveals(entry).exists()


# --- the second factor, decided by the service from the session's records (§1.4.5, issue 11) ------------------


def test_the_service_has_no_parameter_a_caller_could_set_to_skip_a_check():
    parameters = inspect.signature(services.reveal_credentials).parameters
    assert set(parameters) == {"actor", "entry", "authentication_records", "reason"}
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert parameters["authentication_records"].default is inspect.Parameter.empty


def test_an_enrolled_approvers_fresh_password_alone_reveals_nothing_1_4_5(entry, principal, enroll_mfa):
    enroll_mfa(principal)
    with pytest.raises(RegistryError, match="code from your authenticator"):
        reveal(entry, principal, reason="Audit", authentication_records=records("password", "socialaccount"))
    assert not reveals(entry).exists()


def test_an_approvers_second_factor_older_than_the_window_no_longer_counts_1_4_5(entry, principal, enroll_mfa):
    enroll_mfa(principal)
    stale = records("password", "mfa", age=settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
    with pytest.raises(RegistryError, match="code from your authenticator"):
        reveal(entry, principal, reason="Audit", authentication_records=[*stale, *records("password")])
    assert not reveals(entry).exists()


def test_a_sign_in_with_the_second_factor_within_the_window_counts_without_asking_again(entry, principal, enroll_mfa):
    enroll_mfa(principal)
    signed_in = records("password", "mfa", age=60)  # a sign-in, not a re-authentication (issue 14)
    assert reveal(entry, principal, reason="Audit", authentication_records=signed_in).password == PASSWORD


def test_an_owner_who_enrolled_a_second_factor_must_use_it_too(entry, teacher, enroll_mfa):
    enroll_mfa(teacher)
    with pytest.raises(RegistryError, match="code from your authenticator"):
        reveal(entry, teacher, authentication_records=records("password"))
    assert reveal(entry, teacher, authentication_records=records("mfa")).password == PASSWORD


MALFORMED = {
    "from the future": lambda: [{"method": "mfa", "at": 9e12}],
    "time as text": lambda: [{"method": "mfa", "at": "now"}],
    "no time": lambda: [{"method": "mfa"}],
    "time as a boolean": lambda: [{"method": "mfa", "at": True}],
    "not a record": lambda: ["mfa"],
    "a password reset is not a sign-in": lambda: records("password_reset"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_or_foreign_records_never_count(entry, principal, enroll_mfa, case):
    enroll_mfa(principal)
    with pytest.raises(RegistryError, match="code from your authenticator"):
        reveal(entry, principal, reason="Audit", authentication_records=MALFORMED[case]())
    assert not reveals(entry).exists()


def test_an_inactive_user_is_never_recently_authenticated(teacher):
    teacher.is_active = False
    assert not selectors.recently_authenticated(teacher, records("password", "mfa"))


# --- break-glass reveals flag the password for rotation (§1.4.5) -----------------------------------------------


def test_a_break_glass_reveal_flags_password_rotation_1_4_5(entry, principal, teacher, enroll_mfa):
    enroll_mfa(principal)
    reveal(entry, principal, reason="Teacher away; posting the concert notice.")
    entry.refresh_from_db()
    assert entry.needs_password_rotation
    assert reveals(entry).get().details["needs_password_rotation"] is True
    notice = Notification.objects.get(recipient=teacher, kind="registry.credentials_revealed")
    assert "change it on Instagram" in notice.body


def test_a_co_admins_reveal_flags_nothing(entry, colleague):
    reveal(entry, colleague)
    entry.refresh_from_db()
    assert not entry.needs_password_rotation


def test_the_break_glass_rotation_flag_can_be_turned_off(entry, principal, enroll_mfa, settings):
    settings.REVEAL_BREAK_GLASS_FLAGS_ROTATION = False
    enroll_mfa(principal)
    reveal(entry, principal, reason="Audit")
    entry.refresh_from_db()
    assert not entry.needs_password_rotation


def test_an_import_awaiting_confirmation_cannot_be_revealed_by_anyone_1_4_6(entry, teacher, principal, enroll_mfa):
    RegistryEntry.objects.filter(pk=entry.pk).update(status=RegistryEntry.Status.PENDING)
    entry.refresh_from_db()
    enroll_mfa(principal)
    for user, reason in ((teacher, ""), (principal, "Audit")):
        assert not selectors.can_reveal(user, entry)
        with pytest.raises(RegistryError, match="cannot see the login details"):
            reveal(entry, user, reason=reason)
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
    # (The view only asks for the missing re-authentication; the service decides, tested above.)
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


def test_an_enrolled_approver_who_confirmed_only_the_password_is_asked_for_the_code(
    entry, principal, reauthenticated, enroll_mfa
):
    enroll_mfa(principal)
    client = reauthenticated(principal, with_code=False)
    response = client.post(reverse("registry:reveal", args=[entry.pk]), {"reason": "Teacher away"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not reveals(entry).exists()


def test_an_approver_signed_in_with_the_code_minutes_ago_sees_the_password_at_once(
    entry, principal, client_for, enroll_mfa
):
    """Issue 14: a session that signed in with the second factor within the window is not asked again."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    enroll_mfa(principal)
    client = client_for(principal)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records("password", "mfa", age=120)
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(principal.pk)
    session.save()
    response = client.post(reverse("registry:reveal", args=[entry.pk]), {"reason": "Teacher away"})
    assert response.status_code == 200 and PASSWORD in response.content.decode()


def test_another_users_records_in_the_session_do_not_count(entry, teacher, colleague, client_for):
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    client = client_for(teacher)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records("password")
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(colleague.pk)
    session.save()
    response = client.post(reverse("registry:reveal", args=[entry.pk]), {"reason": ""})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not reveals(entry).exists()


def test_other_schools_get_404_and_comms_gets_403_on_a_public_account(
    public_entry, principal_b, comms, reauthenticated, enroll_mfa
):
    url = reverse("registry:reveal", args=[public_entry.pk])
    assert reauthenticated(enroll_mfa(principal_b)).post(url, {"reason": "x"}).status_code == 404
    assert reauthenticated(comms).post(url, {"reason": "x"}).status_code == 403
