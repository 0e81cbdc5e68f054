"""Load and faults (issue 12): N signed-in clients work the portal over HTTP for a bounded time while the
Celery worker is killed and restarted and the Redis server is stopped and started; then everything is
counted: HTTP requests and 5xx, and whether every created object, notification and e-mail exists exactly
once. It prints its figures; it is not a timed test.

    python benchmarks/load_faults.py --database-url postgres://postgres@127.0.0.1:5432/gov_load \\
        [--clients 20] [--seconds 120] [--redis-port 6390] [--keep]

What it needs: a PostgreSQL server it may create the named database on (it is dropped and created
afresh, and dropped again at the end unless --keep), and `redis-server` on the PATH. It starts its own
Redis on --redis-port (broker and cache; no persistence, so a restart loses every queued message), a
gunicorn web server, one Celery worker and Celery beat, all on this machine, and stops them at the end.

The clients: teachers who submit account requests and log media inquiries, each form sent twice at once
with the same one-time token (a double click), and look at their pages; two principals who decide
requests (decisions sent twice too) and read the audit trail; a communications manager; anonymous
visitors asking for password resets and using the public official check. The faults, at fixed
fractions of the run: the worker killed with SIGKILL (twice, restarted after a few seconds), Redis
stopped for ~12 s. Afterwards the script waits for the outbox to drain (--drain seconds at most).

"Lost" counts an object a client was told was created that does not exist, a notification that should
exist and does not, and an e-mail never sent; "doubled" counts anything that exists more than once.
"""

# ruff: noqa: S603, S311  (it starts the portal's own commands; random pauses are not secrets)
import argparse
import collections
import email
import email.policy
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PASSWORD = "load-test-pass-1311"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- the processes ---------------------------------------------------------------------------------------


class Process:
    """A child process in its own process group (so a kill takes its children too), logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, logs: Path):
        self.name, self.command, self.env, self.logs = name, command, env, logs
        self.process = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        handle = (self.logs / f"{self.name}-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            self.command, cwd=BASE_DIR, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self, sig=signal.SIGTERM, timeout: float = 20) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)
        except ProcessLookupError:
            pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing listens on port {port} after {timeout} s")


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def environment(args, work: Path, mail_dir: Path, web_port: int) -> dict:
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        DJANGO_READ_DOT_ENV="false",
        DJANGO_DEBUG="false",
        SECRET_KEY="load-faults-" + "x" * 50,
        CREDENTIAL_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        DATABASE_URL=args.database_url,
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        CACHE_REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/1",
        VAR_DIR=str(work / "var"),
        EMAIL_BACKEND="benchmarks.mail_files.FileEmailBackend",
        LOAD_MAIL_DIR=str(mail_dir),
        LOAD_MAIL_SECONDS="0.1",  # a killed worker may be caught mid-send
        DISTRICT_EMAIL_DOMAINS="sd.example",
        PORTAL_BASE_URL=f"http://127.0.0.1:{web_port}",
        # Short, so that the faults heal within the run: an unacknowledged message of a killed worker
        # comes back after 30 s, its abandoned claim may be taken over after 20 s.
        CELERY_VISIBILITY_TIMEOUT="30",
        STALE_CLAIM_SECONDS="20",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


# --- the scene --------------------------------------------------------------------------------------------


def seed(teachers: int) -> dict:
    from allauth.account.models import EmailAddress

    from accounts.models import Membership, OrgUnit, User
    from catalogue.models import Platform

    unit = OrgUnit.objects.create(name="Load Test Elementary", code="load", website_url="https://load.sd.example")
    platform = Platform.objects.create(name="Instagram", is_approved=True, supports_comments_off=True)

    def person(email, role=None, **extra):
        user = User.objects.create_user(email=email, password=PASSWORD, first_name=email.split("@")[0], **extra)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if role:
            Membership.objects.create(user=user, org_unit=unit, role=role)
        return user

    scene = {
        "unit": unit.pk,
        "platform": platform.pk,
        "teachers": [person(f"teacher{i}@sd.example", Membership.Role.EMPLOYEE).email for i in range(teachers)],
        "principals": [person(f"principal{i}@sd.example", Membership.Role.APPROVER).email for i in range(2)],
        "comms": person("comms@sd.example", is_communications_manager=True).email,
    }
    return scene


# --- the clients ------------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.errors = collections.Counter()
        self.server_errors = []
        self.created = []  # (kind, unique text, answers): what clients asked to create
        self.decided = []  # (request pk, answers)
        self.resets = 0

    def record(self, method, path, status=None, error=None):
        with self.lock:
            if error is not None:
                self.errors[type(error).__name__] += 1
                self.server_errors.append(f"{method} {path}: {type(error).__name__}")
            else:
                self.statuses[status] += 1
                if status >= 500:
                    self.server_errors.append(f"{method} {path}: {status}")


class Browser:
    def __init__(self, base: str, stats: Stats):
        import requests

        self.requests = requests
        self.base, self.stats = base, stats
        self.session = requests.Session()

    def call(self, method, path, **kwargs):
        try:
            response = self.session.request(method, self.base + path, timeout=90, allow_redirects=False, **kwargs)
        except self.requests.RequestException as error:
            self.stats.record(method, path, error=error)
            return None
        self.stats.record(method, path, status=response.status_code)
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def form(self, path) -> dict | None:
        response = self.get(path)
        if response is None or response.status_code != 200:
            return None
        fields = {}
        if match := CSRF.search(response.text):
            fields["csrfmiddlewaretoken"] = match.group(1)
        if match := FORM_TOKEN.search(response.text):
            fields["form_token"] = match.group(1)
        return fields

    def login(self, email: str) -> bool:
        fields = self.form("/auth/login/")
        response = self.call("POST", "/auth/login/", data={**(fields or {}), "login": email, "password": PASSWORD})
        return response is not None and response.status_code == 302

    def double_post(self, path, data) -> list:
        """The same form sent twice at once (a double click): two connections, one session."""
        answers = [None, None]
        cookies = self.session.cookies.get_dict()

        def send(i):
            try:
                response = self.requests.post(
                    self.base + path, data=data, cookies=cookies, timeout=90, allow_redirects=False
                )
            except self.requests.RequestException as error:
                self.stats.record("POST", path, error=error)
                return
            self.stats.record("POST", path, status=response.status_code)
            answers[i] = (response.status_code, response.headers.get("Location", ""))

        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return answers


def request_form_data(scene, title: str, teacher: str) -> dict:
    from approvals.acknowledgements import STATEMENTS

    return {
        "org_unit": scene["unit"],
        "platform": scene["platform"],
        "title": title,
        "school_based": "True",
        "purpose": "instructional",
        "description": "Class news and photos of student work, with consent.",
        "intended_audience": "Students and parents",
        "network": "private",
        "comment_setting": "off",
        "account_email": teacher,
        "identification_text": "Professional site of Load Test Elementary.",
        "school_website_url": "https://load.sd.example",
        "action": "submit",
        **{f"ack_{s.code}": "on" for s in STATEMENTS},
    }


def teacher_client(base, scene, email, stats, stop, n):
    browser = Browser(base, stats)
    if not browser.login(email):
        log(f"{email} could not sign in")
        return
    step = 0
    while not stop.is_set():
        step += 1
        kind = step % 4
        if kind == 1:
            fields = browser.form("/requests/new/")
            if fields:
                title = f"Load page {n}-{step}"
                answers = browser.double_post("/requests/new/", {**fields, **request_form_data(scene, title, email)})
                with stats.lock:
                    stats.created.append(("request", title, answers))
        elif kind == 3:
            fields = browser.form("/outreach/inquiries/new/")
            if fields:
                outlet = f"Load Gazette {n}-{step}"
                data = {
                    **fields,
                    "org_unit": scene["unit"],
                    "received_via": "Class blog",
                    "outlet": outlet,
                    "contact_name": "Sam Reporter",
                    "question": "Could we visit the science fair?",
                    "deadline": "2030-02-01T16:00",
                }
                answers = browser.double_post("/outreach/inquiries/new/", data)
                with stats.lock:
                    stats.created.append(("inquiry", outlet, answers))
        else:
            for path in ("/", "/requests/", "/notifications/", "/outreach/events/"):
                browser.get(path)
        time.sleep(random.uniform(0.2, 0.8))


def principal_client(base, scene, email, stats, stop):
    browser = Browser(base, stats)
    if not browser.login(email):
        log(f"{email} could not sign in")
        return
    while not stop.is_set():
        queue = browser.get("/requests/queue/")
        pks = sorted(set(re.findall(r'href="/requests/(\d+)/decide/"', queue.text))) if queue is not None else []
        for pk in pks[:2]:
            fields = browser.form(f"/requests/{pk}/decide/")
            if fields:
                answers = browser.double_post(
                    f"/requests/{pk}/decide/", {**fields, "decision": "approve", "comment": "Approved under load."}
                )
                with stats.lock:
                    stats.decided.append((int(pk), answers))
        browser.get("/audit/")
        browser.get("/audit/", params={"action": "request.submitted"})
        time.sleep(random.uniform(0.5, 1.5))


def visitor_client(base, scene, stats, stop):
    """Anonymous: the public official check, and now and then a password reset."""
    browser = Browser(base, stats)
    step = 0
    while not stop.is_set():
        step += 1
        browser.get("/registry/official/", params={"q": "@loadtest"})
        if step % 5 == 0:
            fields = browser.form("/auth/password/reset/")
            teacher = random.choice(scene["teachers"])
            response = browser.call("POST", "/auth/password/reset/", data={**(fields or {}), "email": teacher})
            if response is not None and response.status_code == 302:
                with stats.lock:
                    stats.resets += 1
        time.sleep(random.uniform(1.0, 2.0))


def comms_client(base, scene, email, stats, stop):
    browser = Browser(base, stats)
    if not browser.login(email):
        return
    while not stop.is_set():
        browser.get("/outreach/inquiries/")
        browser.get("/notifications/")
        time.sleep(random.uniform(0.5, 1.5))


# --- the faults -------------------------------------------------------------------------------------------


def faults(seconds, worker: Process, redis: Process, stop, events, moments):
    def at(fraction):
        deadline = started + seconds * fraction
        while time.monotonic() < deadline and not stop.is_set():
            time.sleep(0.2)
        return not stop.is_set()

    def note(text):
        events.append(f"{time.monotonic() - started:6.1f} s  {text}")
        log(text)

    started = time.monotonic()
    if at(0.15):
        worker.stop(signal.SIGKILL)
        note("worker killed (SIGKILL)")
        time.sleep(5)
        worker.start()
        note("worker restarted")
    if at(0.35):
        redis.stop(signal.SIGTERM)
        note("Redis stopped (broker and cache; queued messages are lost)")
        time.sleep(12)
        redis.start()
        wait_for_port(redis_port(redis))
        from django.utils import timezone

        moments["redis_back"] = timezone.now()
        note("Redis started again")
    if at(0.8):
        worker.stop(signal.SIGKILL)
        note("worker killed (SIGKILL)")
        time.sleep(5)
        worker.start()
        note("worker restarted")


# --- the count --------------------------------------------------------------------------------------------


def sent_emails(mail_dir: Path) -> collections.Counter:
    found = collections.Counter()
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        found[(str(message["To"]).strip().lower(), str(message["Subject"]).strip())] += 1
    return found


def redis_port(redis: Process) -> int:
    return int(redis.command[redis.command.index("--port") + 1])


def count(stats: Stats, scene: dict, mail_dir: Path, moments: dict) -> dict:
    from approvals.models import AccountRequest
    from notifications.models import Notification
    from outreach.models import MediaInquiry

    lost, doubled, notes = 0, 0, []
    promised = {"request": 0, "inquiry": 0}
    for kind, text, answers in stats.created:
        succeeded = any(a and a[0] == 302 and "/new/" not in a[1] for a in answers)
        model, field = (AccountRequest, "title") if kind == "request" else (MediaInquiry, "outlet")
        n = model.objects.filter(**{field: text}).count()
        promised[kind] += succeeded
        if n > 1:
            doubled += n - 1
            notes.append(f"{kind} {text!r} exists {n} times")
        if succeeded and n == 0:
            lost += 1
            notes.append(f"{kind} {text!r} was confirmed to the client but does not exist")
    principals = len(scene["principals"])
    expected = {}
    for r in AccountRequest.objects.exclude(status=AccountRequest.Status.DRAFT):
        expected[("request.submitted", f"/requests/{r.pk}/decide/")] = principals
        if r.status == AccountRequest.Status.APPROVED:
            expected[("request.approved", f"/requests/{r.pk}/")] = 1
    for i in MediaInquiry.objects.all():
        expected[("inquiry.logged", f"/outreach/inquiries/{i.pk}/")] = 1
        expected[("inquiry.logged_fyi", f"/outreach/inquiries/{i.pk}/")] = principals
    actual = collections.Counter(
        Notification.objects.exclude(kind__startswith="account.").values_list("kind", "url").iterator()
    )
    for key, n in expected.items():
        if actual[key] < n:
            lost += n - actual[key]
            notes.append(f"{key} notifications: {actual[key]} of {n}")
        elif actual[key] > n:
            doubled += actual[key] - n
            notes.append(f"{key} notifications: {actual[key]}, expected {n}")
    resets = Notification.objects.filter(kind="account.password_reset_key").count()
    if resets != stats.resets:
        notes.append(f"password reset e-mails queued: {resets}, reset answers 302: {stats.resets}")
        lost += max(0, stats.resets - resets)
        doubled += max(0, resets - stats.resets)

    outbox = collections.Counter(Notification.objects.values_list("email_status", flat=True))
    should_send = collections.Counter(
        (n.email_address.lower(), n.subject)
        for n in Notification.objects.select_related("recipient").exclude(email_status="skipped")
    )
    mailed = sent_emails(mail_dir)
    missing = sum((should_send - mailed).values())
    extra = sum((mailed - should_send).values())
    lost += missing
    doubled += extra
    if missing or extra:
        notes.append(f"e-mails: {missing} missing, {extra} extra")
    # How long the e-mails that were waiting when Redis came back still waited after that.
    waited = None
    if "redis_back" in moments:
        back = moments["redis_back"]
        last = (
            Notification.objects.filter(created_at__lt=back, email_sent_at__gt=back)
            .order_by("-email_sent_at")
            .values_list("email_sent_at", flat=True)
            .first()
        )
        waited = (last - back).total_seconds() if last else 0.0
    return {
        "waited_after_redis": waited,
        "lost": lost,
        "doubled": doubled,
        "notes": notes,
        "objects": {
            "requests": AccountRequest.objects.count(),
            "approved": AccountRequest.objects.filter(status=AccountRequest.Status.APPROVED).count(),
            "inquiries": MediaInquiry.objects.count(),
            "double-clicked forms": len(stats.created) + len(stats.decided),
        },
        "notifications": sum(outbox.values()),
        "outbox": dict(outbox),
        "emails": sum(mailed.values()),
    }


def drain(deadline_seconds: float) -> float:
    from notifications.models import Notification

    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        waiting = Notification.objects.filter(email_status__in=["pending", "sending"]).count()
        if waiting == 0:
            return time.monotonic() - started
        time.sleep(2)
    return -1


# --- main ---------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("LOAD_DATABASE_URL", ""), required=False)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--drain", type=int, default=300, help="seconds to wait for the outbox afterwards")
    parser.add_argument("--keep", action="store_true", help="keep the database and the work folder")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url postgres://... is required (the database is dropped and created afresh)")

    work = Path(tempfile.mkdtemp(prefix="load-faults-"))
    mail_dir, logs = work / "mail", work / "logs"
    mail_dir.mkdir()
    logs.mkdir()
    web_port = free_port()
    env = environment(args, work, mail_dir, web_port)
    os.environ.update(env)
    py = sys.executable
    redis = Process(
        "redis",
        ["redis-server", "--port", str(args.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        env,
        logs,
    )
    web = Process(
        "web",
        [py, "-m", "gunicorn", "governance.wsgi", "--bind", f"127.0.0.1:{web_port}", "--workers",
         str(args.web_workers), "--threads", "4", "--worker-class", "gthread", "--timeout", "90",
         # Idle connections stay open longer than a client pauses (as behind a proxy): no keep-alive race.
         "--keep-alive", "30"],
        env,
        logs,
    )  # fmt: skip
    worker = Process(
        "worker",
        [py, "-m", "celery", "-A", "governance", "worker", "--concurrency", "2", "--loglevel", "INFO",
         "-n", f"load-{os.getpid()}@%h", "--without-gossip", "--without-mingle"],
        env,
        logs,
    )  # fmt: skip
    beat = Process("beat", [py, "-m", "celery", "-A", "governance", "beat", "--loglevel", "INFO"], env, logs)
    processes = [web, worker, beat, redis]
    log(f"work folder {work}; web on port {web_port}; Redis on port {args.redis_port}")
    try:
        redis.start()
        wait_for_port(args.redis_port)
        fresh_database(args.database_url)
        subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        subprocess.run([py, "manage.py", "setup_schedules"], cwd=BASE_DIR, env=env, check=True)
        import django

        django.setup()
        scene = seed(max(1, args.clients - 4))
        web.start()
        worker.start()
        beat.start()
        wait_for_port(web_port)
        base = f"http://127.0.0.1:{web_port}"
        stats, stop, events, moments = Stats(), threading.Event(), [], {}
        threads = [
            threading.Thread(target=teacher_client, args=(base, scene, email, stats, stop, n))
            for n, email in enumerate(scene["teachers"])
        ]
        threads += [
            threading.Thread(target=principal_client, args=(base, scene, p, stats, stop)) for p in scene["principals"]
        ]
        threads += [threading.Thread(target=comms_client, args=(base, scene, scene["comms"], stats, stop))]
        threads += [threading.Thread(target=visitor_client, args=(base, scene, stats, stop))]
        fault_thread = threading.Thread(target=faults, args=(args.seconds, worker, redis, stop, events, moments))
        log(f"{len(threads)} clients for {args.seconds} s")
        started = time.monotonic()
        for t in threads:
            t.start()
        fault_thread.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads:
            t.join(timeout=120)
        fault_thread.join(timeout=60)
        elapsed = time.monotonic() - started
        log("clients stopped; waiting for the outbox to drain")
        drained = drain(args.drain)
        time.sleep(5)  # room for a duplicate e-mail to show up, if there were one
        figures = count(stats, scene, mail_dir, moments)
    finally:
        for process in processes:
            process.stop()
        if not args.keep:
            try:
                from django.db import connections

                connections.close_all()
                drop_database(args.database_url)
            except Exception as error:  # noqa: BLE001 (cleanup: say it and go on)
                log(f"could not drop the database: {error}")

    total = sum(stats.statuses.values())
    five_xx = sum(n for status, n in stats.statuses.items() if status >= 500)
    print()
    print(f"Load and faults: {len(threads)} clients, {elapsed:.0f} s, PostgreSQL + Redis, gunicorn + Celery")
    print("Faults:")
    for line in events:
        print(f"  {line}")
    print(f"HTTP requests: {total} ({total / elapsed:.1f}/s); by status: {dict(sorted(stats.statuses.items()))}")
    print(f"5xx: {five_xx}; connection errors: {sum(stats.errors.values())} {dict(stats.errors) or ''}")
    for line in stats.server_errors[:20]:
        print(f"  {line}")
    print(f"Objects: {figures['objects']}")
    print(f"Notifications: {figures['notifications']} {figures['outbox']}; e-mails sent: {figures['emails']}")
    if figures["waited_after_redis"] is not None:
        print(f"E-mails waiting when Redis came back were all sent {figures['waited_after_redis']:.0f} s after it")
    drain_text = f"in {drained:.0f} s after the clients stopped" if drained >= 0 else "NOT within --drain"
    print(f"Outbox drained {drain_text}")
    print(f"Lost: {figures['lost']}; doubled: {figures['doubled']}")
    for line in figures["notes"][:30]:
        print(f"  {line}")
    if args.keep:
        print(f"Kept: {work} and the database")
    ok = figures["lost"] == 0 and figures["doubled"] == 0 and five_xx == 0 and drained >= 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
