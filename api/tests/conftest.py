"""Fixtures of the API tests: tokens made through the service, a client that sends them, and a scene
with accounts in two schools whose login details are canaries no response may contain."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from api import services
from catalogue.models import Platform
from registry.models import RegistryEntry

# Login details of the scene's accounts: searched for in every API response (never returned, §1.4.5).
CANARIES = [
    "canary-login-user-a",
    "canary.login.a@sd.example",
    "canary.recovery.a@sd.example",
    "canary-login-user-b",
    "canary.login.b@sd.example",
    "Canary-Password-A-0001",
    "Canary-Password-B-0002",
]


@pytest.fixture
def make_token(district_admin):
    """`make_token(*scopes, units=(), expires_at=None)` → (token, key), created by the service."""

    def _make(*scopes, units=(), expires_at=None, name="Test system"):
        return services.create_token(
            actor=district_admin,
            name=name,
            scopes=scopes,
            units=units,
            expires_at=expires_at or timezone.now() + datetime.timedelta(days=30),
        )

    return _make


@pytest.fixture
def api():
    """`api(key).get(path, **params)`: a client that sends `Authorization: Bearer <key>`."""

    def _for(key=None):
        client = Client()
        if key:
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _for


@pytest.fixture
def scene(teacher, teacher_b, colleague, principal, principal_b, school_a, school_b):
    """School A: a private account (teacher, co-admin colleague) and a removed public one; school B:
    an active public account and a disabled public one."""
    instagram = Platform.objects.get_or_create(name="Instagram")[0]
    youtube = Platform.objects.get_or_create(name="YouTube")[0]
    due = datetime.date(2030, 1, 1)
    a_private = RegistryEntry.objects.create(
        platform=instagram,
        org_unit=school_a,
        owner=teacher,
        handle="room12_ridgeview",
        login_username=CANARIES[0],
        login_email=CANARIES[1],
        recovery_email=CANARIES[2],
        password=CANARIES[5],
        comment_setting="on",
        next_review_due=due,
    )
    a_private.co_admins.add(colleague)
    a_removed = RegistryEntry.objects.create(
        platform=youtube,
        org_unit=school_a,
        owner=teacher,
        handle="ridgeview_old_choir",
        url="https://www.youtube.com/@ridgeview_old_choir",
        login_username=CANARIES[0],
        login_email=CANARIES[1],
        privacy="public",
        status="removed",
        status_changed_at=timezone.now(),
        next_review_due=due,
    )
    b_public = RegistryEntry.objects.create(
        platform=instagram,
        org_unit=school_b,
        owner=teacher_b,
        handle="lakeside_news",
        url="https://www.instagram.com/lakeside_news/",
        login_username=CANARIES[3],
        login_email=CANARIES[4],
        password=CANARIES[6],
        privacy="public",
        next_review_due=due,
    )
    b_disabled = RegistryEntry.objects.create(
        platform=youtube,
        org_unit=school_b,
        owner=teacher_b,
        handle="lakeside_band",
        url="https://youtube.com/@lakeside_band",
        login_username=CANARIES[3],
        login_email=CANARIES[4],
        privacy="public",
        status="disabled",
        status_changed_at=timezone.now(),
        next_review_due=due,
    )
    return SimpleNamespace(
        a_private=a_private,
        a_removed=a_removed,
        b_public=b_public,
        b_disabled=b_disabled,
        school_a=school_a,
        school_b=school_b,
        instagram=instagram,
        youtube=youtube,
    )


def assert_no_canary(response):
    body = response.content.decode("utf-8", "replace")
    found = [c for c in CANARIES if c.lower() in body.lower()]
    assert found == [], f"{response.request['PATH_INFO']} returned login details: {found}"
