"""§1.4.5 credentials encrypted at rest: never plaintext in the database, a wrong key raises, keys rotate."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from registry.checks import credential_keys_configured
from registry.fields import MASK, CredentialKeyError, Secret
from registry.models import RegistryEntry

from .scenes import PASSWORD


def raw_password_column(entry) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT password FROM registry_registryentry WHERE id = %s", [entry.pk])
        return cursor.fetchone()[0]


def test_the_password_column_holds_a_fernet_token_and_never_the_plaintext_1_4_5(entry):
    raw = raw_password_column(entry)
    assert PASSWORD not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert RegistryEntry.objects.get(pk=entry.pk).password.reveal() == PASSWORD


def test_no_table_of_the_database_contains_the_plaintext_after_registration(entry):
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (test: table names from introspection)
            for row in cursor.fetchall():
                assert not any(PASSWORD in str(value) for value in row), f"plaintext found in {table}"


def test_the_loaded_value_masks_itself_in_str_repr_and_templates(entry):
    secret = RegistryEntry.objects.get(pk=entry.pk).password
    assert str(secret) == MASK
    assert PASSWORD not in repr(secret)
    assert PASSWORD not in repr(RegistryEntry.objects.get(pk=entry.pk).__dict__)


def test_serialisation_writes_ciphertext_only(entry):
    dumped = serializers.serialize("json", RegistryEntry.objects.filter(pk=entry.pk))
    assert PASSWORD not in dumped
    assert raw_password_column(entry) in dumped


def test_a_wrong_key_raises_instead_of_returning_ciphertext(entry, settings):
    settings.CREDENTIAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    loaded = RegistryEntry.objects.get(pk=entry.pk)
    with pytest.raises(CredentialKeyError):
        loaded.password.reveal()


def test_missing_keys_refuse_to_encrypt_and_fail_the_system_check(settings):
    settings.CREDENTIAL_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        Secret(plaintext="x").token
    assert [e.id for e in credential_keys_configured()] == ["registry.E001"]


def test_new_writes_use_the_first_key_and_older_keys_still_decrypt(entry, settings):
    old_key = settings.CREDENTIAL_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIAL_ENCRYPTION_KEYS = [new_key, old_key]
    assert RegistryEntry.objects.get(pk=entry.pk).password.reveal() == PASSWORD
    RegistryEntry.objects.filter(pk=entry.pk).update(password="fresh-value")
    assert Fernet(new_key.encode()).decrypt(raw_password_column(entry).encode()) == b"fresh-value"


def test_rotation_command_re_encrypts_every_value_with_the_newest_key(entry, public_entry, settings):
    old_key = settings.CREDENTIAL_ENCRYPTION_KEYS[0]
    before = {e.pk: raw_password_column(e) for e in (entry, public_entry)}
    new_key = Fernet.generate_key().decode()
    settings.CREDENTIAL_ENCRYPTION_KEYS = [new_key, old_key]

    out = io.StringIO()
    call_command("rotate_credential_keys", stdout=out)
    assert "Re-encrypted 2 credential(s)" in out.getvalue()
    assert PASSWORD not in out.getvalue()

    # The old key can go: everything opens with the new key alone.
    settings.CREDENTIAL_ENCRYPTION_KEYS = [new_key]
    assert RegistryEntry.objects.get(pk=entry.pk).password.reveal() == PASSWORD
    assert all(raw_password_column(e) != before[e.pk] for e in (entry, public_entry))

    out = io.StringIO()
    call_command("rotate_credential_keys", stdout=out)
    assert "Re-encrypted 0 credential(s)" in out.getvalue()


def test_rotation_command_fails_loudly_when_a_value_opens_with_no_configured_key(entry, settings):
    settings.CREDENTIAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="could not be decrypted"):
        call_command("rotate_credential_keys", stdout=io.StringIO())


def test_error_reports_never_show_the_password(approved_request, teacher, colleague, monkeypatch, client_for):
    """A crash in the middle of registering: the 500 report (admin e-mail, log) hides the password in the
    POST data and in every frame's variables (sensitive_post_parameters / sensitive_variables)."""
    import sys

    from django.core.signals import got_request_exception
    from django.urls import reverse
    from django.views.debug import ExceptionReporter

    from registry.services import lifecycle

    def crash(**kwargs):
        raise RuntimeError("audit down")

    reports = []

    def capture(sender, request, **kwargs):
        reports.append(ExceptionReporter(request, *sys.exc_info()).get_traceback_html())

    monkeypatch.setattr(lifecycle, "record_event", crash)
    got_request_exception.connect(capture)
    client = client_for(teacher)
    client.raise_request_exception = False
    try:
        response = client.post(
            reverse("registry:register", args=[approved_request.pk]),
            {
                "handle": "room12",
                "login_username": "room12",
                "login_email": "room12@sd.example",
                "password": PASSWORD,
                "privacy": "private",
                "comment_setting": "off",
                "co_admins": [colleague.pk],
            },
        )
    finally:
        got_request_exception.disconnect(capture)
    assert response.status_code == 500
    assert PASSWORD not in response.content.decode()
    (report,) = reports
    assert "audit down" in report and "register_account" in report
    assert PASSWORD not in report
