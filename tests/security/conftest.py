"""Fixtures of the security tests."""

import pytest
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    """The fixture district (tests/security/district.py), built once per test module.

    Like Django's TestCase.setUpTestData: the district is written inside a transaction that is rolled
    back when the module ends, and every test (marked django_db) runs in a savepoint inside it, so
    whatever a test changes is undone before the next one. Tests must not change the objects' Python
    attributes in place (re-read them from the database instead).
    """
    from tests.security.district import build_district

    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            built = build_district()
        yield built
        transaction.set_rollback(True)
