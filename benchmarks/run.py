"""Benchmark: what users feel at district scale, as ratios to the stack ceiling, and the sweeps end to end.

    .venv/bin/python benchmarks/run.py --scale 0.1            # a tenth of scale 1, SQLite, for a quick look
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_perf_bench .venv/bin/python benchmarks/run.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gov_perf_xl .venv/bin/python benchmarks/run.py --scale district-xl
    ... run.py --explain        # also EXPLAIN ANALYZE each page's slowest queries (PostgreSQL)
    ... run.py --http           # also measure from outside: gunicorn serving the same pages over HTTP

Scale 1 is 200 units, 25,000 staff, 20,000 accounts and 2,000,000 audit events; `district-xl` is the
largest districts: 2,000 units, 75,000 staff, 60,000 accounts, 6,000,000 events. The database is the
benchmark's own (a file under var/bench/, or the PostgreSQL database of DATABASE_URL, created when
missing); it is migrated and seeded once (`seed_scale`), then reused.

Pages. Every page is measured in this process with Django's test client, as its user, interleaved
with the *stack ceiling*: `/bench/ceiling/` (benchmarks/urls.py), the same settings, middleware,
context processors and base layout serving an empty page to the same user. No page can beat it, so
ratio = ceiling time / page time (1.0: the page costs nothing of its own). Each figure is the median of
`--runs` interleaved rounds (ceiling, page, ceiling, page, ... over all pages in turn), after one warm-up
request whose time is shown as "first". Peers: the registry list against the Django admin's changelist
of the same rows for the same user (median of interleaved pairs).

Sweeps. Each registered sweep runs end to end, as beat runs it: planning (which writes missed periods),
then `deliver` creating the notifications, then the after-commit e-mail publishes; then once more (a
repeat run finds every dedupe key taken). Everything is rolled back afterwards, so the database stays
as seeded. "db s" is the time spent in database calls.

Figures are printed, never asserted: tests assert the query bounds (oversight/tests/test_query_bounds.py).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRESETS = {
    "district-xl": {"units": 2000, "staff": 75_000, "accounts": 60_000, "events": 6_000_000},
}


def _environment(scale_name: str) -> Path:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("HTTPS", "false")
    os.environ.setdefault("DJANGO_READ_DOT_ENV", "false")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("CREDENTIAL_ENCRYPTION_KEYS", "H30CAiJaxTQ2ogc6zw97FWOBuCxFAiDTnUYUPc7ZgaM=")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
    os.environ.setdefault("OFFICIAL_CHECK_RATE_PER_MINUTE", "1000000")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("VAR_DIR", str(bench_dir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{bench_dir / f'bench-{scale_name}.sqlite3'}")
    return bench_dir


def _create_postgres_database() -> None:
    """CREATE DATABASE for a DATABASE_URL that names a missing PostgreSQL database."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    if "postgresql" not in config["ENGINE"]:
        return
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"created database {config['NAME']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="1", help="a number (1 = 200 units) or district-xl")
    parser.add_argument("--runs", type=int, default=15, help="interleaved rounds per page")
    for size in ("units", "staff", "accounts", "events"):
        parser.add_argument(f"--{size}", type=int, help=f"seed this many {size} (overrides the scale)")
    parser.add_argument("--only", choices=["pages", "sweeps"], help="measure only the pages or only the sweeps")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest queries")
    parser.add_argument("--http", action="store_true", help="also measure the pages over HTTP (gunicorn)")
    parser.add_argument("--profile", metavar="TEXT", help="profile the pages whose label contains TEXT, and stop")
    args = parser.parse_args()
    preset = dict(PRESETS.get(args.scale, {}))
    preset.update({k: getattr(args, k) for k in ("units", "staff", "accounts", "events") if getattr(args, k)})
    scale = 1.0 if args.scale in PRESETS else float(args.scale)
    bench_dir = _environment(args.scale)
    _create_postgres_database()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.ALLOWED_HOSTS = ["*"]
    settings.ROOT_URLCONF = "benchmarks.urls"
    call_command("migrate", verbosity=0)
    from registry.models import RegistryEntry

    if not RegistryEntry.objects.exists():
        started = time.perf_counter()
        call_command("seed_scale", scale=scale, **preset)
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    from accounts.models import OrgUnit, User
    from audit.models import AuditEvent

    print(
        f"database: {connection.vendor}; units: {OrgUnit.objects.count()}, staff: {User.objects.count()}, "
        f"accounts: {RegistryEntry.objects.count()}, audit events: {AuditEvent.objects.count()}"
    )
    cast = _cast()
    if args.profile:
        _profile([p for p in _pages(cast) if args.profile in p[0]])
        return
    if args.only != "sweeps":
        pages = _pages(cast)
        _measure_pages(pages, args.runs, explain=args.explain)
        if args.http:
            _measure_http(pages, args.runs, bench_dir)
    if args.only != "pages":
        _measure_sweeps(bench_dir)


class _Queries:
    """Counts the queries run through a connection and the time spent in them (no 9,000-query cap)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


# --- who and what ------------------------------------------------------------------------------------------


def _cast() -> dict:
    """The district admin, a principal, a teacher with accounts, the communications manager."""
    from django.db.models import Count

    from accounts.models import Membership, User
    from registry.models import RegistryEntry

    admin, _ = User.objects.update_or_create(
        email="bench.admin@sd.example",
        defaults={"is_district_admin": True, "is_staff": True, "is_superuser": True, "first_name": "Bench"},
    )
    comms, _ = User.objects.update_or_create(
        email="bench.comms@sd.example", defaults={"is_communications_manager": True, "first_name": "Comms"}
    )
    approver = (
        Membership.objects.filter(role=Membership.Role.APPROVER, org_unit__code__startswith="scale-")
        .select_related("user", "org_unit")
        .order_by("pk")
        .first()
    )
    owner_id = (
        RegistryEntry.objects.filter(org_unit=approver.org_unit)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
        .values_list("owner", flat=True)
        .first()
    )
    return {
        "admin": admin,
        "principal": approver.user,
        "unit": approver.org_unit,
        "teacher": User.objects.get(pk=owner_id),
        "comms": comms,
        "anonymous": None,
    }


def _deep_audit(base: str) -> tuple[str, str]:
    """The audit trail 1,000 pages deep (50 per page; less deep in a small district): label and URL."""
    from audit.models import AuditEvent

    pages = min(1000, AuditEvent.objects.count() // 100)
    label = f"audit trail {pages:,} pages deep (admin)"
    try:
        from core.pagination import cursor_of
    except ImportError:  # before keyset pagination: the page number
        return label, f"{base}?page={pages + 1}"
    event = AuditEvent.objects.order_by("-created_at", "-id").only("pk", "created_at")[pages * 50 - 1]
    return label, f"{base}?before={cursor_of(event)}"


def _pages(cast: dict) -> list[tuple[str, str, str]]:
    from django.urls import reverse

    from registry.models import RegistryEntry

    unit = cast["unit"]
    sample = RegistryEntry.objects.filter(org_unit=unit).order_by("pk").first()
    public = RegistryEntry.objects.filter(status="active", privacy="public").order_by("pk").first()
    audit = reverse("audit:list")
    registry = reverse("registry:list")
    deep_label_url = _deep_audit(audit)
    return [
        ("home (principal)", "principal", reverse("home")),
        ("home (teacher)", "teacher", reverse("home")),
        ("home (admin)", "admin", reverse("home")),
        ("district dashboard (admin)", "admin", reverse("oversight:dashboard")),
        ("my units dashboard (principal)", "principal", reverse("oversight:dashboard")),
        ("compliance report (principal)", "principal", reverse("oversight:compliance", args=[unit.code])),
        ("registry list (admin)", "admin", registry),
        ("  Django admin changelist, peer (admin)", "admin", reverse("admin:registry_registryentry_changelist")),
        ("registry list (principal)", "principal", registry),
        ("registry list (comms)", "comms", registry),
        ("registry search, one account (admin)", "admin", f"{registry}?q={sample.handle}"),
        ("registry search, owner name (admin)", "admin", f"{registry}?q={sample.owner.last_name}"),
        ("registry by unit (admin)", "admin", f"{registry}?org_unit={unit.code}"),
        ("my accounts (teacher)", "teacher", reverse("registry:mine")),
        ("audit trail (admin)", "admin", audit),
        (*deep_label_url[:1], "admin", deep_label_url[1]),
        ("audit trail (principal)", "principal", audit),
        ("audit by action (admin)", "admin", f"{audit}?action=request.approved"),
        ("audit by object (admin)", "admin", f"{audit}?target={sample.handle}"),
        ("official-account check (public)", "anonymous", f"{reverse('registry:official_check')}?q={public.handle}"),
    ]


# --- pages, in process -------------------------------------------------------------------------------------


def _client(user):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed


def _measure_pages(pages, runs: int, *, explain: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cast = _cast()
    clients = {who: _client(cast[who]) for who in {who for _, who, _ in pages}}
    ceiling = "/bench/ceiling/"
    first, queries, db_ms, captured = {}, {}, {}, {}
    for label, who, url in pages:
        first[label] = _get(clients[who], url)
        with CaptureQueriesContext(connection) as ctx:
            _get(clients[who], url)
        queries[label] = len(ctx.captured_queries)
        db_ms[label] = 1000 * sum(float(q["time"]) for q in ctx.captured_queries)
        captured[label] = ctx.captured_queries
    page_t = {label: [] for label, _, _ in pages}
    ceil_t = {label: [] for label, _, _ in pages}
    ratios = {label: [] for label, _, _ in pages}
    bare = []
    for _ in range(runs):
        for label, who, url in pages:
            c = _get(clients[who], ceiling)
            p = _get(clients[who], url)
            page_t[label].append(p)
            ceil_t[label].append(c)
            ratios[label].append(c / p)
        bare.append(_get(clients["admin"], "/bench/bare/"))

    med = statistics.median
    print()
    print(
        f"{'page (in process, ' + str(runs) + ' interleaved rounds)':44} {'ms':>7} {'ceiling':>8} {'ratio':>6}", end=""
    )
    print(f" {'queries':>7} {'db ms':>6} {'first ms':>8}")
    for label, _, _ in pages:
        print(
            f"{label:44} {1000 * med(page_t[label]):7.1f} {1000 * med(ceil_t[label]):8.1f} {med(ratios[label]):6.2f}"
            f" {queries[label]:7d} {db_ms[label]:6.1f} {1000 * first[label]:8.0f}"
        )
    all_ceilings = [c for values in ceil_t.values() for c in values]
    print(
        f"stack ceiling (empty page in the base layout): {1000 * med(all_ceilings):.1f} ms; "
        f"bare response without a template: {1000 * med(bare):.1f} ms"
    )
    mains = [label for label, _, _ in pages if not label.startswith("  ")]
    worst = min(mains, key=lambda label: med(ratios[label]))
    print(f"worst ratio: {med(ratios[worst]):.2f} ({worst.strip()})")
    peer = "  Django admin changelist, peer (admin)"
    pairs = [a / r for a, r in zip(page_t[peer], page_t["registry list (admin)"], strict=True)]
    print(f"registry list (25 rows) vs the admin changelist (100 rows), same user: {med(pairs):.2f}x as fast")
    if explain:
        _explain(captured)


def _explain(captured: dict) -> None:
    """EXPLAIN ANALYZE the two slowest queries of each page (PostgreSQL), first lines of each plan."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("(EXPLAIN needs PostgreSQL)")
        return
    print()
    for label, queries in captured.items():
        slowest = sorted(queries, key=lambda q: -float(q["time"]))[:2]
        for q in slowest:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            print(f"--- {label.strip()}: {1000 * float(q['time']):.1f} ms: {sql[:220]}")
            for line in plan[:14]:
                print("    " + line)
            if len(plan) > 14:
                print(f"    ... {len(plan) - 14} more lines; {plan[-1].strip()}")


# The project's code and the usual suspects (forms, templates tags, queries), not the WSGI plumbing.
_PROFILE_FILTER = rf"({ROOT.name}/(?!\.venv)|crispy|forms|widgets|templatetags|query\.py|paginator)"


def _profile(pages) -> None:
    """cProfile of each page (after a warm-up request): the 30 costliest functions, cumulative."""
    import cProfile
    import pstats

    cast = _cast()
    for label, who, url in pages:
        client = _client(cast[who])
        _get(client, url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            _get(client, url)
        profiler.disable()
        print(f"--- {label.strip()} (5 requests)")
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(_PROFILE_FILTER, 40)


# --- pages, over HTTP --------------------------------------------------------------------------------------


def _measure_http(pages, runs: int, bench_dir: Path) -> None:
    """The same pages through gunicorn (2 sync workers, persistent database connections), one client
    with keep-alive... as a browser would see the server, minus the network."""
    import http.client
    import socket

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cast = _cast()
    cookies = {}
    for who in {who for _, who, _ in pages}:
        user = cast[who]
        if user is None:
            cookies[who] = ""
            continue
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[who] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.http_settings", "CONN_MAX_AGE": "600"}
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [sys.executable, "-m", "gunicorn", "governance.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(bench_dir / "gunicorn.log", "w"),  # noqa: SIM115 (closed with the process)
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        conns = {}

        def get(who, url):
            conn = conns.get(who) or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conns[who] = conn
            started = time.perf_counter()
            conn.request("GET", url, headers={"Cookie": cookies[who], "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:
                raise SystemExit(f"HTTP {url} answered {response.status}")
            return elapsed

        for _, who, url in pages:
            get(who, url)
            get(who, url)
        page_t = {label: [] for label, _, _ in pages}
        ratios = {label: [] for label, _, _ in pages}
        for _ in range(runs):
            for label, who, url in pages:
                c = get(who, "/bench/ceiling/")
                p = get(who, url)
                page_t[label].append(p)
                ratios[label].append(c / p)
        med = statistics.median
        print()
        print(f"{'page (over HTTP: gunicorn, 2 sync workers)':44} {'ms':>7} {'ratio':>6}")
        for label, _, _ in pages:
            print(f"{label:44} {1000 * med(page_t[label]):7.1f} {med(ratios[label]):6.2f}")
        mains = [label for label, _, _ in pages if not label.startswith("  ")]
        worst = min(mains, key=lambda label: med(ratios[label]))
        print(f"worst ratio over HTTP: {med(ratios[worst]):.2f} ({worst.strip()})")
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- sweeps ------------------------------------------------------------------------------------------------


class _RollBack(Exception):
    pass


def _measure_sweeps(bench_dir: Path) -> None:
    from django.db import connection, transaction
    from django.urls import reverse

    from notifications.sweeps import deliver, district_today, registered_sweeps

    def run_once(plan, day):
        queries = _Queries()
        with connection.execute_wrapper(queries):
            started = time.perf_counter()
            result = plan(day)
            planned = time.perf_counter()
            deliver(result, dry_run=False)
            delivered = time.perf_counter()
            # The e-mail publishes that would run after commit (the broker of the settings).
            callbacks = [func for _, func, _ in connection.run_on_commit]
            connection.run_on_commit.clear()
            for func in callbacks:
                func()
            published = time.perf_counter()
        return {
            "planned": len(result.planned),
            "created": result.created,
            "plan": planned - started,
            "create": delivered - planned,
            "publish": published - delivered,
            "total": published - started,
            "queries": queries.count,
            "db": queries.seconds,
            "published": len(callbacks),
        }

    print()
    print(
        f"{'sweep (end to end, rolled back)':22} {'planned':>7} {'created':>7} {'plan s':>7} {'create s':>8}"
        f" {'publish s':>9} {'total s':>7} {'queries':>7} {'db s':>6} | {'repeat s':>8} {'queries':>7} {'db s':>6}"
    )
    day = district_today()
    reverse("home")  # the URLconf is imported once per process: not a cost of the first sweep that links
    for name, plan in registered_sweeps().items():
        try:
            with transaction.atomic():
                first = run_once(plan, day)
                again = run_once(plan, day)
                raise _RollBack
        except _RollBack:
            pass
        print(
            f"{name:22} {first['planned']:7d} {first['created']:7d} {first['plan']:7.2f} {first['create']:8.2f}"
            f" {first['publish']:9.2f} {first['total']:7.2f} {first['queries']:7d} {first['db']:6.2f}"
            f" | {again['total']:8.2f} {again['queries']:7d} {again['db']:6.2f}"
        )
    queue = bench_dir / "celery" / "queue"
    if queue.is_dir():  # the filesystem broker's messages for notifications that were rolled back
        shutil.rmtree(queue)
        queue.mkdir()


if __name__ == "__main__":
    main()
