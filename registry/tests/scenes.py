"""Helpers shared by the registry tests (fixtures are in conftest.py)."""

import time

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
    return services.register_account(
        actor=actor or account_request.requester, account_request=account_request, **values
    )


def records(*methods: str, age: float = 0) -> list[dict]:
    """allauth's authentication records of a session: one per method, made `age` seconds ago."""
    return [{"method": method, "at": time.time() - age} for method in methods]


def fresh_records(user) -> list[dict]:
    """What a session that just proved who it is holds: the second factor where the user needs one."""
    return records("mfa" if selectors.reveal_needs_second_factor(user) else "password")
