"""Helpers shared by the registry tests (fixtures are in conftest.py)."""

import time

from django.test import override_settings

from registry import selectors, services

PASSWORD = "Corr3ct-Horse-Battery!"


def register(account_request, *, actor=None, **overrides):
    values = dict(
        handle="@Room12News",
        url="https://www.instagram.com/room12news/",
        login_username="room12news",
        login_email="room12.social@sd.example",
        recovery_email="teacher@sd.example",
        password=PASSWORD,
    )
    values.update(overrides)
    if values.get("co_admins"):
        return services.register_account(
            actor=actor or account_request.requester, account_request=account_request, **values
        )
    # A scene with the owner alone: as if the district let one administrator be enough (MIN_ACCOUNT_ADMINS=1);
    # the backup rule itself (§1.4.5) is tested in test_enough_hands.py.
    with override_settings(MIN_ACCOUNT_ADMINS=1):
        return services.register_account(
            actor=actor or account_request.requester, account_request=account_request, **values
        )


def records(*methods: str, age: float = 0) -> list[dict]:
    """allauth's authentication records of a session: one per method, made `age` seconds ago."""
    return [{"method": method, "at": time.time() - age} for method in methods]


def fresh_records(user) -> list[dict]:
    """What a session that just proved who it is holds: the second factor where the user needs one."""
    return records("mfa" if selectors.reveal_needs_second_factor(user) else "password")
