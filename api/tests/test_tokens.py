"""API tokens: made by district admins, shown once, stored hashed, expiring, revocable, audited, rate-limited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken, hash_key
from audit.models import AuditEvent
from core.errors import NotPermitted

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"


def test_creating_a_token_stores_only_the_hash_of_its_key_and_audits_the_creation(make_token, district_admin):
    token, key = make_token("registry:read", name="District website")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_key(key) and key not in repr(ApiToken.objects.values().get(pk=token.pk))
    assert len(key) > 40 and key.startswith("ap1311_")
    event = AuditEvent.objects.get(action="api.token_created")
    assert event.actor == district_admin and event.target_id == str(token.pk)
    assert key not in repr(event.details) and event.details["scopes"] == ["registry:read"]


def test_only_district_admins_create_tokens(principal):
    with pytest.raises(NotPermitted):
        services.create_token(
            actor=principal, name="x", scopes=["audit:read"], expires_at=timezone.now() + datetime.timedelta(days=1)
        )
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_known_scope_and_a_future_expiry(district_admin):
    later = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(services.ApiError, match="scope"):
        services.create_token(actor=district_admin, name="x", scopes=["registry:write"], expires_at=later)
    with pytest.raises(services.ApiError, match="future"):
        services.create_token(actor=district_admin, name="x", scopes=["audit:read"], expires_at=timezone.now())


def test_the_bearer_key_authenticates_and_anything_else_is_refused_with_401(make_token, api):
    _, key = make_token("registry:read")
    assert api(key).get(UNITS).status_code == 200
    assert api().get(UNITS).status_code == 401
    assert api("ap1311_not-a-real-key").get(UNITS).status_code == 401
    assert api(key + "x").get(UNITS).status_code == 401
    response = api().get(UNITS, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_never_authenticates_the_api(client_for, district_admin):
    assert client_for(district_admin).get(UNITS).status_code == 401


def test_an_expired_token_is_refused(make_token, api):
    token, key = make_token("registry:read")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = api(key).get(UNITS)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_revoking_refuses_the_next_request_and_is_audited_once(make_token, api, district_admin):
    token, key = make_token("registry:read")
    assert api(key).get(UNITS).status_code == 200
    services.revoke_token(actor=district_admin, token=token)
    response = api(key).get(UNITS)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert AuditEvent.objects.filter(action="api.token_revoked", target_id=str(token.pk)).count() == 1
    with pytest.raises(services.ApiError):
        services.revoke_token(actor=district_admin, token=token)


def test_the_first_use_is_audited_exactly_once_and_last_used_is_recorded(make_token, api):
    token, key = make_token("registry:read")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    for _ in range(3):
        assert api(key).get(UNITS).status_code == 200
    assert AuditEvent.objects.filter(action="api.token_first_used", target_id=str(token.pk)).count() == 1
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_last_used_moves_at_most_once_a_minute(make_token, api, time_machine):
    token, key = make_token("registry:read")
    time_machine.move_to(timezone.now(), tick=False)
    api(key).get(UNITS)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    time_machine.shift(datetime.timedelta(seconds=10))
    api(key).get(UNITS)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    time_machine.shift(datetime.timedelta(seconds=61))
    api(key).get(UNITS)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_every_token_is_rate_limited(make_token, api, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "3/min", "verify": "60/min"})
    _, key = make_token("registry:read")
    _, other = make_token("registry:read", name="Other system")
    codes = [api(key).get(UNITS).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api(other).get(UNITS).status_code == 200  # per token, not global


# --- the admin ---------------------------------------------------------------------------------------------


def test_the_admin_shows_a_new_key_once_and_never_again(client_for, district_admin, school_a):
    client = client_for(district_admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"name": "SIEM", "scopes": ["audit:read"], "units": [school_a.pk], "expires_on": "2027-06-30"},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(name="SIEM")
    key = response.context["key"]
    assert key in response.content.decode() and token.key_hash == hash_key(key)
    assert list(token.units.all()) == [school_a]
    for url in (reverse("admin:api_apitoken_changelist"), reverse("admin:api_apitoken_change", args=[token.pk])):
        page = client.get(url)
        assert page.status_code == 200 and key not in page.content.decode()


def test_the_admin_form_keeps_what_was_typed_when_the_expiry_is_wrong(client_for, district_admin):
    response = client_for(district_admin).post(
        reverse("admin:api_apitoken_add"),
        {"name": "Web team", "scopes": ["registry:public"], "expires_on": "2001-01-01"},
    )
    assert response.status_code == 200 and "after today" in response.content.decode()
    assert 'value="Web team"' in response.content.decode() and not ApiToken.objects.exists()


def test_the_admin_revoke_action_revokes_through_the_service(client_for, district_admin, make_token):
    token, _ = make_token("audit:read")
    client_for(district_admin).post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="api.token_revoked").count() == 1


def test_staff_who_are_not_district_admins_cannot_open_the_token_admin(client_for, principal):
    principal.is_staff = True
    principal.save()
    assert client_for(principal).get(reverse("admin:api_apitoken_add")).status_code in (302, 403)


def test_request_user_of_a_token_request_sees_nothing_through_any_selector(make_token, scene):
    """Endpoints read through the token (request.auth); the stand-in request.user is inert."""
    from api.selectors import inert_principal
    from approvals.selectors import requests_visible_to
    from audit.selectors import events_visible_to
    from registry.selectors import entries_visible_to

    nobody = inert_principal()
    assert not entries_visible_to(nobody).exists()
    assert not requests_visible_to(nobody).exists()
    assert not events_visible_to(nobody).exists()
    with pytest.raises(TypeError):
        nobody.save()
