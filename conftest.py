"""The fixed cast every test can use (see ../shared/STYLE.md, "Tests").

school_a / school_b; teacher (employee of A), colleague (employee of A), teacher_b (employee of B),
principal (approver of A), principal_b (approver of B), comms (communications manager),
district_admin. All passwords are accounts.factories.TEST_PASSWORD.
"""

import importlib

import pytest
from django.db.backends.signals import connection_created

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership


def _allow_audit_truncate_in_tests(sender, connection, **kwargs):
    """pytest-django empties the tables with TRUNCATE after each transactional test; on PostgreSQL the
    audit table refuses TRUNCATE (audit/migrations/0003) unless the session turns this on. Only the test
    suite's own connections do (audit/tests/test_append_only.py proves a normal one is refused)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET audit.allow_truncate = 'on'")


connection_created.connect(_allow_audit_truncate_in_tests, dispatch_uid="tests_allow_audit_truncate")


@pytest.fixture
def school_a(db):
    return OrgUnitFactory(name="Ridgeview Elementary", code="ridgeview")


@pytest.fixture
def school_b(db):
    return OrgUnitFactory(name="Lakeside Secondary", code="lakeside")


def _member(unit, role=Membership.Role.EMPLOYEE, **user_kwargs):
    user = UserFactory(**user_kwargs)
    MembershipFactory(user=user, org_unit=unit, role=role)
    return user


@pytest.fixture
def teacher(school_a):
    return _member(school_a, email="teacher@sd.example", first_name="Tara", last_name="Teacher")


@pytest.fixture
def colleague(school_a):
    return _member(school_a, email="colleague@sd.example", first_name="Cole", last_name="League")


@pytest.fixture
def teacher_b(school_b):
    return _member(school_b, email="teacher.b@sd.example", first_name="Theo", last_name="Bee")


@pytest.fixture
def principal(school_a):
    user = _member(
        school_a, Membership.Role.APPROVER, email="principal@sd.example", first_name="Priya", last_name="Principal"
    )
    MembershipFactory(user=user, org_unit=school_a, role=Membership.Role.EMPLOYEE)
    return user


@pytest.fixture
def principal_b(school_b):
    return _member(
        school_b, Membership.Role.APPROVER, email="principal.b@sd.example", first_name="Paul", last_name="Bee"
    )


@pytest.fixture
def comms(db):
    return UserFactory(email="comms@sd.example", is_communications_manager=True)


@pytest.fixture
def district_admin(db):
    return UserFactory(email="admin@sd.example", is_district_admin=True, is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """`client_for(user)` → the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 is deliberately slow; tests do not need it to be.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A French request must not leave French active for the next test (issue 17)."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters must not leak from one test (or run) to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_entry(db):
    """`make_entry(owner, unit, comments="on", handle=..., status=..., registered=datetime, **fields)`:
    a registry entry created directly (for tests of code that reads the registry)."""
    import datetime

    from catalogue.models import Platform
    from registry.models import RegistryEntry

    def _make(owner, unit, *, comments="on", handle=None, status="active", registered=None, platform=None, **extra):
        platform = platform or Platform.objects.get_or_create(name="Instagram")[0]
        fields = {"next_review_due": datetime.date(2027, 1, 1), "login_username": "login", **extra}
        entry = RegistryEntry.objects.create(
            platform=platform,
            org_unit=unit,
            owner=owner,
            handle=handle or f"acct{RegistryEntry.objects.count()}",
            login_email=owner.email,
            comment_setting=comments,
            status=status,
            **fields,
        )
        if registered:
            RegistryEntry.objects.filter(pk=entry.pk).update(created_at=registered)
            entry.refresh_from_db()
        return entry

    return _make


@pytest.fixture
def long_ago():
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime(2026, 10, 1, 9))


@pytest.fixture
def transactional_db(transactional_db):
    """pytest-django's transactional_db, with the policy versions seeded by approvals/migrations/0005
    (and their French, 0008) put back: each transactional test empties every table when it ends
    (Django's flush), and the transactional tests after it still need the statements. (Django's
    serialized rollback would do this in general, but it restores nothing in the Playwright tests,
    whose ORM calls run in another context than the one that holds the serialized data.)"""
    from django.apps import apps

    importlib.import_module("approvals.migrations.0005_seed_policy_versions").seed(apps, None)
    importlib.import_module("approvals.migrations.0008_french_wording_of_shipped_statements").add_french(apps, None)
    return transactional_db
