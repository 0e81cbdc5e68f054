"""Configuration comes from the environment only; production mode passes `check --deploy`."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'db_name': str(s.DATABASES['default']['NAME']), "
    "'broker': s.CELERY_BROKER_URL, 'tz': s.TIME_ZONE, 'domains': s.DISTRICT_EMAIL_DOMAINS, "
    "'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, 'cache': s.CACHES['default']['BACKEND']}))"
)


def _run(code_or_args, env_overrides, tmp_path):
    # A clean environment: none of pytest-env's test settings, none of the developer's.
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "VAR_DIR": str(tmp_path / "var"),
            "DJANGO_READ_DOT_ENV": "false",
        }
    )
    env.update(env_overrides)
    args = [sys.executable, "-c", code_or_args] if isinstance(code_or_args, str) else [sys.executable, *code_or_args]
    return subprocess.run(
        args, env={**env, "PYTHONPATH": str(BASE_DIR)}, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def test_embedded_defaults_need_no_services(tmp_path):
    result = _run(PRINT_SETTINGS, {"SECRET_KEY": "x" * 60}, tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("var/db.sqlite3")
    assert values["broker"] == "filesystem://localhost//"
    assert values["tz"] == "America/Vancouver"
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["debug"] is False
    assert (tmp_path / "var" / "celery" / "queue").is_dir()


def test_services_and_rules_come_from_the_environment(tmp_path):
    result = _run(
        PRINT_SETTINGS,
        {
            "SECRET_KEY": "x" * 60,
            "DATABASE_URL": "postgres://portal:pw@db.internal:5432/portal",
            "REDIS_URL": "redis://cache.internal:6379/2",
            "TIME_ZONE": "America/Toronto",
            "DISTRICT_EMAIL_DOMAINS": "sd99.ca, @staff.sd99.ca",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["db"] == "django.db.backends.postgresql"
    assert values["db_name"] == "portal"
    assert values["broker"] == "redis://cache.internal:6379/2"
    assert values["cache"] == "core.cache.ResilientRedisCache"  # Redis, with errors as misses (issue 12)
    assert values["tz"] == "America/Toronto"
    assert values["domains"] == ["sd99.ca", "staff.sd99.ca"]


def test_missing_secret_key_outside_debug_is_refused(tmp_path):
    result = _run(PRINT_SETTINGS, {"SECRET_KEY": ""}, tmp_path)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_mode_has_a_development_secret_key(tmp_path):
    result = _run(PRINT_SETTINGS, {"SECRET_KEY": "", "DJANGO_DEBUG": "true"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is True


def test_production_mode_passes_check_deploy_with_no_warnings(tmp_path):
    env = {
        "SECRET_KEY": "k8Jp2vQz-9mXr4Tn7Lw1Yc6Hb3Gf0Sd5Ae8Uo2Ip4Kj7Mn1Bv9Cx3Zq6Wt0Ry5Ed-prod",
        "HTTPS": "true",
        "ALLOWED_HOSTS": "portal.sd.example",
        "CREDENTIAL_ENCRYPTION_KEYS": os.environ.get("CREDENTIAL_ENCRYPTION_KEYS", ""),
    }
    result = _run([str(BASE_DIR / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
