"""Backup and restore on PostgreSQL, as SECURITY.md documents it (security issue §6).

pg_dump (custom format) of the test database, pg_restore --no-owner into a fresh database, then a new
portal process started on the restored database with the same CREDENTIAL_ENCRYPTION_KEYS reads an
account password back. The dump itself holds only ciphertext, the restored database keeps the audit
trail's append-only trigger, and without the keys the restored ciphertext opens to nothing.

PostgreSQL only (pg_dump/pg_restore); skipped elsewhere, and when the client tools are not installed.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connection
from django.test import override_settings

from catalogue.models import Platform
from registry.fields import CredentialKeyError, decrypt
from registry.models import RegistryEntry

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL (DATABASE_URL)"),
    pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="PostgreSQL client tools"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Backup-Restore-Canary-31"


def url_for(database: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def run(*command, env=None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, f"{' '.join(command[:2])} failed:\n{result.stderr[-3000:]}"
    return result


@pytest.fixture
def fresh_database():
    name = f"sec_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(url_for("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_dump_gives_the_credential_back_with_the_keys_and_only_with_them(
    teacher, school_a, tmp_path: Path, fresh_database
):
    entry = RegistryEntry.objects.create(
        platform=Platform.objects.create(name="Instagram"),
        org_unit=school_a,
        owner=teacher,
        handle="backup_probe",
        login_username="probe",
        login_email=teacher.email,
        next_review_due="2030-01-01",
        password=PASSWORD,
    )
    dump = tmp_path / "portal.dump"
    run("pg_dump", "--format=custom", f"--file={dump}", url_for(connection.settings_dict["NAME"]))
    run("pg_restore", "--no-owner", f"--dbname={url_for(fresh_database)}", str(dump))

    # The dump holds ciphertext only (pg_restore -f - prints it as SQL text).
    as_sql = run("pg_restore", "--data-only", "--file=-", str(dump)).stdout
    assert "backup_probe" in as_sql and PASSWORD not in as_sql

    with psycopg.connect(url_for(fresh_database)) as restored:
        token = restored.execute("SELECT password FROM registry_registryentry WHERE id = %s", [entry.pk]).fetchone()[0]
        triggers = restored.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass AND NOT tgisinternal"
        ).fetchall()
    assert token and PASSWORD not in token
    assert ("audit_event_append_only",) in triggers

    # A stolen backup without the keys reveals nothing: another key refuses the token.
    with (
        override_settings(CREDENTIAL_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]),
        pytest.raises(CredentialKeyError),
    ):
        decrypt(token)

    # The portal started on the restored database with the same keys reads the password back.
    env = dict(os.environ, DATABASE_URL=url_for(fresh_database), DJANGO_READ_DOT_ENV="false")
    env.pop("PYTEST_CURRENT_TEST", None)
    script = (
        "from registry.models import RegistryEntry;"
        "print(RegistryEntry.objects.get(handle='backup_probe').password.reveal())"
    )
    result = run(sys.executable, "manage.py", "shell", "-c", script, env=env)
    assert result.stdout.strip().splitlines()[-1] == PASSWORD
    assert env["CREDENTIAL_ENCRYPTION_KEYS"] == ",".join(settings.CREDENTIAL_ENCRYPTION_KEYS)
