"""Registry scenes: an approved request (written directly, as the approvals workflow would leave it),
a registered account of the teacher at school A with the colleague as co-admin, MFA enrolment and a
recent re-authentication for the test client."""

import time

import pytest
from django.utils import timezone

from approvals.models import AccountRequest
from catalogue.models import Platform

from .scenes import register


@pytest.fixture
def platform(db):
    return Platform.objects.create(name="Instagram", is_approved=True, supports_comments_off=True)


@pytest.fixture
def other_platform(db):
    return Platform.objects.create(name="YouTube", is_approved=True, supports_comments_off=False)


@pytest.fixture
def make_request(platform, principal):
    def _make(requester, org_unit, *, status=AccountRequest.Status.APPROVED, **fields):
        decided = status in (AccountRequest.Status.APPROVED, AccountRequest.Status.REJECTED)
        values = dict(
            requester=requester,
            org_unit=org_unit,
            platform=platform,
            status=status,
            title="Room 12 class page",
            description="Class news and reminders.",
            intended_audience="Parents of room 12",
            network=AccountRequest.Network.PRIVATE,
            comment_setting=AccountRequest.Comments.OFF,
            account_email=requester.email,
            identification_text="Professional site of Ridgeview Elementary, room 12.",
            school_website_url="https://ridgeview.sd.example",
            submitted_at=timezone.now(),
            decided_by=principal if decided else None,
            decided_at=timezone.now() if decided else None,
            decision_comment="Not this one." if status == AccountRequest.Status.REJECTED else "",
        )
        values.update(fields)
        return AccountRequest.objects.create(**values)

    return _make


@pytest.fixture
def approved_request(make_request, teacher, school_a):
    return make_request(teacher, school_a)


@pytest.fixture
def entry(approved_request, colleague):
    """The teacher's account at school A, colleague as co-admin."""
    return register(approved_request, co_admins=[colleague])


@pytest.fixture
def public_entry(make_request, teacher, school_a):
    request = make_request(teacher, school_a, network=AccountRequest.Network.PUBLIC, title="Ridgeview news")
    return register(
        request,
        handle="RidgeviewNews",
        url="https://www.instagram.com/ridgeviewnews/",
        login_username="rv-login-7",
        password="Another-Secret-99",
    )


@pytest.fixture
def entry_b(make_request, teacher_b, school_b):
    return register(
        make_request(teacher_b, school_b, title="Lakeside band"),
        handle="lakesideband",
        url="https://instagram.com/lakesideband",
        login_username="lakesideband",
        login_email="band@sd.example",
        recovery_email="",
    )


@pytest.fixture
def enroll_mfa():
    """`enroll_mfa(user)`: the user has a TOTP authenticator (what allauth's is_mfa_enabled looks at)."""
    from allauth.mfa.models import Authenticator

    def _enroll(user):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
        return user

    return _enroll


@pytest.fixture
def reauthenticated(client_for):
    """`reauthenticated(user)` → a client signed in as the user, who just proved it again: with the
    second factor when the user has or must have one (`with_code=None`), else with the password.
    `with_code=False` records a password re-authentication whoever the user is."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    from registry import selectors

    def _client(user, *, with_code=None):
        if with_code is None:
            with_code = selectors.reveal_needs_second_factor(user)
        client = client_for(user)
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time() - 3600, "email": user.email},
            {"method": "mfa", "at": time.time(), "type": "totp", "reauthenticated": True}
            if with_code
            else {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True},
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
        return client

    return _client


@pytest.fixture
def registry_alone(monkeypatch):
    """No app above answering `registry.hooks.access_withdrawn` (offboarding opens a case and tells the
    approvers in one message instead): the registry's own message, as a portal without offboarding sends it."""
    from registry.hooks import access_withdrawn

    monkeypatch.setattr(access_withdrawn, "receivers", [])
    access_withdrawn.sender_receivers_cache.clear()
