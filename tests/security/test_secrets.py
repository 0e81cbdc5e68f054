"""Secrets (security issue §3): the plaintext of a credential appears nowhere but in the reveal
response to someone allowed to see it.

One scene records account passwords every way the portal takes them (registration, a password
change, the CSV import, the fixture's stored ones) and a staff member signs up with a known login
password. Then every URL of the authorization matrix is requested as every role, the Django admin's
pages are opened, the CSV exports downloaded, every pending e-mail delivered and an error report
rendered for a crash in the middle of a registration. The plaintexts are then searched for in every
response, every e-mail, every log record (DEBUG, SQL included), every row of every table (sessions
decoded) and the cache. One authorised reveal is the positive control: the search does find the
password there, and only there.
"""

import base64
import sys
import time

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, models
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.views.debug import ExceptionReporter

from notifications.models import Notification
from notifications.services import deliver_email
from registry.models import RegistryEntry
from tests.security.district import ENTRY_A_PASSWORD, ENTRY_B_PASSWORD, build_district, user_of
from tests.security.test_authorization_matrix import MATRIX

pytestmark = pytest.mark.django_db

REGISTERED = "Canary-Registered-4471"
CHANGED = "Canary-Changed-5582"
IMPORTED = "Canary-Imported-6693"
CRASHED = "Canary-Crashed-7704"
LOGIN_PASSWORD = "Canary-Login-8815-xQ"
WEBHOOK_SECRET = "Canary-Webhook-Secret-9926"
PLAINTEXTS = [
    ENTRY_A_PASSWORD,
    ENTRY_B_PASSWORD,
    REGISTERED,
    CHANGED,
    IMPORTED,
    CRASHED,
    LOGIN_PASSWORD,
    WEBHOOK_SECRET,
]


def leaks(haystack, where: str) -> list[str]:
    if isinstance(haystack, bytes):
        haystack = haystack.decode("utf-8", "replace")
    variants = {p: [p, base64.b64encode(p.encode()).decode()] for p in PLAINTEXTS}
    return [f"{p!r} in {where}" for p, forms in variants.items() if any(v in haystack for v in forms)]


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def reauthenticate(client, user):
    """allauth's record of a password confirmed just now (what the re-authentication page writes)."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def dump_tables() -> list[tuple[str, str]]:
    """(table, text of every row) for every table of the database, sessions decoded."""
    dumped = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {quote(table)}")
            dumped.append((table, repr(cursor.fetchall())))
    for session in Session.objects.all():
        dumped.append((f"session {session.pk}", repr(session.get_decoded())))
    return dumped


def dump_cache() -> list[tuple[str, bytes]]:
    """Raw values in the cache (locmem or Redis)."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # LocMemCache: key → pickled bytes
        return [(str(k), v if isinstance(v, bytes) else repr(v).encode()) for k, v in backend.items()]
    client = cache._cache.get_client()
    return [(k.decode(), client.get(k) or b"") for k in client.scan_iter()]


@pytest.fixture
def scene(client, caplog, settings):
    caplog.set_level("DEBUG")
    caplog.set_level("DEBUG", logger="django.db.backends")  # settings keep it at WARNING
    connection.force_debug_cursor = True  # every SQL statement and its parameters go to the log too
    try:
        yield build_district()
    finally:
        connection.force_debug_cursor = False


def record_passwords_every_way(d, client, responses):
    """Registration, a password change, a CSV import and a sign-up, each through its view."""
    client.force_login(d.employee_a)
    r = client.post(
        reverse("registry:register", args=[d.request_to_register.pk]),
        {
            "handle": "room7news",
            "login_username": "room7",
            "login_email": "room7@sd.example",
            "password": REGISTERED,
            "privacy": "private",
            "comment_setting": "off",
            "co_admins": [d.co_admin.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    responses.append(("register", r))

    client.force_login(d.co_admin)
    r = client.post(
        reverse("registry:credentials", args=[d.entry_a.pk]),
        {"login_username": "schoola", "login_email": d.employee_a.email, "password": CHANGED},
    )
    assert r.status_code == 302
    responses.append(("credentials", r))
    # A form error re-renders the form: the password typed must not come back in it.
    r = client.post(
        reverse("registry:credentials", args=[d.entry_a.pk]),
        {"login_username": "", "login_email": "personal@gmail.com", "password": CHANGED},
    )
    assert r.status_code == 200
    responses.append(("credentials with errors", r))

    client.force_login(d.approver_a)
    header = "unit,platform,handle,owner_email,co_admin_emails,login_username,login_email,password\r\n"
    line = (
        f"school-a,Instagram,imported_one,employee.a@sd.example,coadmin.a@sd.example,imp,imp@sd.example,{IMPORTED}\r\n"
    )
    upload = SimpleUploadedFile("old.csv", (header + line).encode(), content_type="text/csv")
    preview = client.post(reverse("registry:import"), {"file": upload})
    responses.append(("import preview", preview))
    payload = preview.context["confirm_form"].initial["payload"]
    responses.append(("import confirm", client.post(reverse("registry:import"), {"payload": payload})))
    assert RegistryEntry.objects.filter(handle="imported_one").exists()

    client.logout()
    r = client.post(
        reverse("account_signup"),
        {"email": "new.staff@sd.example", "password1": LOGIN_PASSWORD, "password2": LOGIN_PASSWORD},
    )
    responses.append(("sign-up", r))
    r = client.post(reverse("account_login"), {"login": "employee.a@sd.example", "password": LOGIN_PASSWORD})
    responses.append(("failed sign-in", r))


def crash_during_a_registration(d, monkeypatch) -> list[tuple[str, str]]:
    """A 500 in the middle of registering an account: the error report (what DEBUG pages and admin
    e-mails show) must not carry the password posted, nor the one in the service's variables."""
    from approvals.factories import AccountRequestFactory
    from registry.services import lifecycle

    approved = AccountRequestFactory(
        requester=d.employee_a, org_unit=d.school_a, approved=True, decided_by=d.approver_a, title="Crash"
    )

    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(lifecycle, "record_event", boom)
    caught = []

    def keep(sender, request, **kwargs):
        caught.append((request, sys.exc_info()))

    got_request_exception.connect(keep)
    try:
        crashing = Client(raise_request_exception=False)
        crashing.force_login(d.employee_a)
        response = crashing.post(
            reverse("registry:register", args=[approved.pk]),
            {
                "handle": "crash_probe",
                "login_username": "cp",
                "login_email": "cp@sd.example",
                "password": CRASHED,
                "privacy": "private",
                "comment_setting": "off",
                "co_admins": [d.co_admin.pk],
            },
        )
    finally:
        got_request_exception.disconnect(keep)
        monkeypatch.undo()
    assert response.status_code == 500 and caught
    request, exc_info = caught[0]
    report = ExceptionReporter(request, *exc_info, is_email=True)
    return [
        ("500 page", response.content.decode()),
        ("error report (text)", report.get_traceback_text()),
        ("error report (html)", report.get_traceback_html()),
    ]


# The people who see the most (the owner, the unit's approver, the district admin). The matrix test
# (test_authorization_matrix.py) also searches every response of its walk, all eight roles and every
# URL, POSTs included, for the fixture district's passwords.
WALKERS = ["employee_a", "approver_a", "district_admin"]


def walk_every_page(d, responses):
    """Every page (GET) of the matrix as the roles who see the most, and the admin's pages."""
    walker = Client()
    for name, (method, kwargs_builder, _) in MATRIX.items():
        if method != "GET":
            continue
        url = reverse(name, kwargs=kwargs_builder(d) if kwargs_builder else None)
        for role in WALKERS:
            walker.force_login(user_of(d, role))
            responses.append((f"GET {url} as {role}", walker.get(url)))
    walker.force_login(d.district_admin)
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        responses.append((f"admin {info}", walker.get(reverse("admin:{}_{}_changelist".format(*info)))))
        for obj in model._default_manager.all()[:1]:
            try:
                url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            except NoReverseMatch:
                continue
            responses.append((f"admin {info} #{obj.pk}", walker.get(url)))
    for name, kwargs in [
        ("registry:export", {}),
        ("audit:export", {}),
        ("oversight:compliance_export", {"code": d.school_a.code}),
    ]:
        responses.append((f"export {name}", walker.get(reverse(name, kwargs=kwargs))))


def walk_every_api_endpoint(d, responses) -> str:
    """Every API endpoint (issue 16) with a token that may read everything, every registry status and
    the audit stream in both formats; a webhook registered with a known secret and delivered (its
    signature travels, never the secret). Returns the token's key, itself a secret to search for."""
    import datetime

    from django.utils import timezone

    from api import services as api
    from api.models import WebhookDelivery
    from tests.security.test_authorization_matrix import API_TOKEN_MATRIX

    token, key = api.create_token(
        actor=d.district_admin,
        name="Everything",
        scopes=["registry:read", "requests:read", "audit:read"],
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    api.register_webhook(
        actor=d.district_admin,
        name="Every event",
        url="http://127.0.0.1:9/unreachable",
        events=["request.submitted", "inquiry.created", "account.disabled", "account.registered"],
        secret=WEBHOOK_SECRET,
    )
    from registry.services import disable_account

    disable_account(actor=d.approver_b, entry=RegistryEntry.objects.get(pk=d.entry_b.pk), reason="Leak scan")
    for delivery_id in WebhookDelivery.objects.values_list("pk", flat=True):
        api.deliver_webhook(delivery_id)  # nobody listens on port 9: a failed attempt, recorded
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for name, (kwargs_builder, _) in API_TOKEN_MATRIX.items():
        url = reverse(name, kwargs=kwargs_builder(d) if kwargs_builder else None)
        responses.append((f"API {url}", reader.get(url)))
    for extra in [
        "/api/v1/registry/entries/?status=all&page_size=200",
        f"/api/v1/registry/entries/{d.entry_b.pk}/",
        "/api/v1/audit/events/?limit=1000",
        "/api/v1/audit/events/?limit=1000&format=jsonl",
        "/api/v1/verify?handle=school_b_news",
        "/api/v1/verify?url=https://www.instagram.com/school_b_news/",
    ]:
        responses.append((f"API {extra}", reader.get(extra)))
    return key


def test_no_plaintext_credential_anywhere_but_the_authorised_reveal(scene, client, caplog, monkeypatch):
    d = scene
    responses = []
    record_passwords_every_way(d, client, responses)
    texts = crash_during_a_registration(d, monkeypatch)
    walk_every_page(d, responses)
    PLAINTEXTS.append(walk_every_api_endpoint(d, responses))

    # Every e-mail the portal would send: the outbox delivered, plus allauth's own (sign-up).
    for notification_id in Notification.objects.filter(email_status="pending").values_list("pk", flat=True):
        deliver_email(notification_id)
    assert len(mail.outbox) > 5

    # The positive control: the owner reveals, after re-authenticating, and sees the new password.
    owner = Client()
    owner.force_login(d.employee_a)
    reauthenticate(owner, d.employee_a)
    revealed = owner.post(reverse("registry:reveal", args=[d.entry_a.pk]), {"reason": ""})
    assert revealed.status_code == 200 and leaks(revealed.content, "reveal") == [f"{CHANGED!r} in reveal"]
    assert "no-store" in revealed["Cache-Control"]

    found = []
    for where, response in responses:
        found += leaks(body_of(response), where)
        found += leaks(repr(dict(response.items())), f"{where} (headers)")
    for where, content in texts:
        found += leaks(content, where)
    for message in mail.outbox:
        found += leaks(message.message().as_bytes(), f"e-mail {message.subject!r}")
    found += leaks(caplog.text, "logs")
    found += leaks(repr([r.__dict__ for r in caplog.records]), "log records")
    for table, rows in dump_tables():
        found += leaks(rows, f"table {table}")
    for key, raw in dump_cache():
        found += leaks(raw, f"cache {key}")
    for c in (client, owner):
        found += leaks(repr(c.cookies), "cookies")
    PLAINTEXTS.pop()  # the API key of this run
    assert found == [], "\n".join(found)

    # The walk really did cover the views with credentials: the SQL log shows only ciphertext.
    assert "registry_registryentry" in caplog.text
    assert any(name.startswith("GET /registry/") for name, _ in responses)


def test_every_project_model_with_a_password_field_stores_it_encrypted():
    """The one credential column of the project is the encrypted one (a new plain 'password' field fails)."""
    from registry.fields import EncryptedTextField

    plain = []
    for model in apps.get_models():
        if model._meta.app_label not in (
            "registry",
            "approvals",
            "outreach",
            "moderation",
            "audit",
            "notifications",
            "api",
        ):
            continue
        for field in model._meta.concrete_fields:
            textual = isinstance(field, (models.CharField, models.TextField))
            if (
                textual
                and any(w in field.name for w in ("password", "secret"))
                and not isinstance(field, EncryptedTextField)
            ):
                plain.append(f"{model._meta.label}.{field.name}")
    assert plain == []


# --- Student names (§1.3.6): in the portal's pages for the school's own staff, and nowhere else -----------

IMPORTED_STUDENT = "Imogen Importcanary"


def test_no_student_name_in_any_email_log_export_or_table_but_the_approvers_export(client, caplog, settings):
    """Students are imported, edited, checked by a teacher (by class and by name), counted in an event
    reminder, exported by the approver, and purged after their school year. Their names then appear in no
    e-mail, no log record, no other export, no audit event, and (after the purge) no table or cache."""
    import datetime

    from django.utils import timezone

    from consent import services as consent
    from outreach import services as outreach
    from outreach import sweeps
    from tests.security.district import STUDENT_A_NAME, STUDENT_B_NAME

    names = [STUDENT_A_NAME, STUDENT_B_NAME, IMPORTED_STUDENT]

    def name_leaks(haystack, where):
        if isinstance(haystack, bytes):
            haystack = haystack.decode("utf-8", "replace")
        return [f"{n!r} in {where}" for n in names if n in haystack or n.split()[-1] in haystack]

    caplog.set_level("DEBUG")
    d = build_district()
    client.force_login(d.approver_a)
    year = consent.rules.current_school_year()
    header = "student_number,display_name,grade,homeroom,photo_video,name_use,work_samples\n"
    upload = SimpleUploadedFile("sis.csv", f"{header}A-0002,{IMPORTED_STUDENT},5,5A,no,yes,yes\n".encode())
    preview = client.post(
        reverse("consent:import"), {"org_unit": d.school_a.pk, "school_year": year, "sis_file": upload}
    )
    client.post(reverse("consent:import"), {"payload": preview.context["confirm_form"].initial["payload"]})
    assert d.roster_a.students.filter(display_name=IMPORTED_STUDENT).exists()
    client.post(
        reverse("consent:student_edit", args=[d.student_a.pk]),
        {
            "display_name": STUDENT_A_NAME,
            "grade": "5",
            "classes": "5A",
            "photo_video": "refused",
            "name_use": "refused",
            "work_samples": "consented",
        },
    )
    teacher = Client()
    teacher.force_login(d.employee_a)
    assert IMPORTED_STUDENT in teacher.get(reverse("consent:check"), {"school_class": "5A"}).content.decode()
    assert STUDENT_A_NAME in teacher.get(reverse("consent:check"), {"q": STUDENT_A_NAME}).content.decode()
    event = outreach.schedule_event(
        user=d.employee_a,
        org_unit=d.school_a,
        title="Class photo day",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        organiser=d.employee_a,
        classes=["5A"],
    )
    sweeps.send_event_reminders(now=event.starts_at - datetime.timedelta(hours=2))
    exports = {}
    for name, kwargs, user in [
        ("registry:export", {}, d.approver_a),
        ("audit:export", {}, d.approver_a),
        ("audit:export", {}, d.district_admin),
        ("oversight:compliance_export", {"code": d.school_a.code}, d.approver_a),
    ]:
        client.force_login(user)
        exports[f"{name} as {user.email}"] = body_of(client.get(reverse(name, kwargs=kwargs)))
    client.force_login(d.approver_a)
    approvers_export = body_of(client.get(reverse("consent:export", args=[d.roster_a.pk]))).decode()
    for notification_id in Notification.objects.filter(email_status="pending").values_list("pk", flat=True):
        deliver_email(notification_id)
    # The organiser's reminder counts them (both of 5A have no photo consent), and names nobody.
    reminder = next(m for m in mail.outbox if "Class photo day" in m.subject)
    assert "2 of the 2 students taking part have no consent" in reminder.body

    # The positive control: the approver's explicit export does hold the names.
    assert IMPORTED_STUDENT in approvers_export and STUDENT_A_NAME in approvers_export

    found = []
    for message in mail.outbox:
        found += name_leaks(message.message().as_bytes(), f"e-mail {message.subject!r}")
    for where, body in exports.items():
        found += name_leaks(body, where)
    found += name_leaks(caplog.text, "logs")
    found += name_leaks(repr([r.__dict__ for r in caplog.records]), "log records")
    from audit.models import AuditEvent

    for audit_event in AuditEvent.objects.all():
        found += name_leaks(repr((audit_event.target_repr, audit_event.details)), f"audit {audit_event.action}")
    assert found == [], "\n".join(found)
    assert AuditEvent.objects.filter(action="consent.looked_up", actor=d.employee_a).count() == 2

    # Once the school year and its retention are over, no table and no cache holds a student's name.
    consent.purge_expired_rosters(today=consent.rules.purge_date(year))
    for table, rows in dump_tables():
        found += name_leaks(rows, f"table {table}")
    for key, raw in dump_cache():
        found += name_leaks(raw, f"cache {key}")
    assert found == [], "\n".join(found)
