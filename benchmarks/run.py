"""Benchmark: page times and query counts at district scale, and the reminder sweeps over 20,000 accounts.

    .venv/bin/python benchmarks/run.py                 # SQLite file var/bench/bench.sqlite3, full scale
    .venv/bin/python benchmarks/run.py --scale 0.1     # a tenth of it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/run.py

Creates its own database (never the development one), migrates, runs `seed_scale` once, then
reports for each page and sweep: the median wall time of a few runs and the number of queries.
Targets (not asserted here; tests assert query bounds): pages under 1 s, sweeps in seconds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("DJANGO_READ_DOT_ENV", "false")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("CREDENTIAL_ENCRYPTION_KEYS", "H30CAiJaxTQ2ogc6zw97FWOBuCxFAiDTnUYUPc7ZgaM=")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("VAR_DIR", str(bench_dir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / f'bench-{args.scale}.sqlite3'}")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import Membership, OrgUnit, User
    from notifications.sweeps import SweepResult, district_today, registered_sweeps

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from registry.models import RegistryEntry

    if not RegistryEntry.objects.exists():
        started = time.perf_counter()
        call_command("seed_scale", scale=args.scale)
        print(f"seeded in {time.perf_counter() - started:.1f}s")
    admin, _ = User.objects.get_or_create(email="bench.admin@sd.example", defaults={"is_district_admin": True})
    principal = Membership.objects.filter(role="approver").select_related("user").first().user
    unit = OrgUnit.objects.filter(code__startswith="scale-").first()
    print(f"database: {connection.vendor}; accounts: {RegistryEntry.objects.count()}")

    def measure(label, fn):
        times, queries = [], 0
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                fn()
                times.append(time.perf_counter() - started)
            queries = len(ctx.captured_queries)
        print(f"{label:48} {statistics.median(times) * 1000:9.0f} ms {queries:6d} queries")

    pages = [
        ("district dashboard (admin)", admin, reverse("oversight:dashboard")),
        ("audit trail (admin)", admin, reverse("audit:list")),
        ("audit trail page 100 (admin)", admin, reverse("audit:list") + "?page=100"),
        ("audit trail filtered (principal)", principal, reverse("audit:list") + "?action=request.approved"),
        ("registry list (admin)", admin, reverse("registry:list")),
        ("registry list search (admin)", admin, reverse("registry:list") + "?q=scale"),
        ("registry list (principal)", principal, reverse("registry:list")),
        ("compliance report (principal)", principal, reverse("oversight:compliance", args=[unit.code])),
        ("home (principal)", principal, reverse("home")),
    ]
    print(f"{'page':48} {'median':>12} {'queries':>13}")
    for label, user, url in pages:
        client = Client()
        client.force_login(user)

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        measure(label, get)

    print(f"{'sweep (dry run: plans, records the run)':48}")
    for name, plan in registered_sweeps().items():
        measure(f"sweep {name}", lambda plan=plan: isinstance(plan(district_today()), SweepResult))


if __name__ == "__main__":
    main()
