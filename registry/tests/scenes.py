"""Helpers shared by the registry tests (fixtures are in conftest.py)."""

from registry import services

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
