"""Webhooks: outbox rows in the audit event's transaction, signed deliveries to a real HTTP server on
127.0.0.1, retries with back-off that stop after success, giving up after N attempts, and an
unreachable receiver that never slows or fails the user's action."""

import datetime
import http.server
import json
import threading
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api import services, tasks
from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import verify_signature
from approvals import services as approvals
from approvals.factories import AccountRequestFactory
from audit.models import AuditEvent
from outreach import services as outreach
from registry import services as registry

pytestmark = pytest.mark.django_db

SECRET = "whsec-test-0123456789abcdef"


class Receiver:
    """A real HTTP server on 127.0.0.1: records each POST and answers with the next planned status
    (the last one repeats); `hang` seconds of silence stand for a receiver that does not answer."""

    def __init__(self, statuses=(200,), hang=0.0):
        self.statuses = list(statuses)
        self.hang = hang
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                if receiver.hang:
                    time.sleep(receiver.hang)
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def _make(**kwargs):
        made.append(Receiver(**kwargs))
        return made[-1]

    yield _make
    for r in made:
        r.close()


@pytest.fixture
def endpoint(district_admin):
    def _make(url, events=("inquiry.created",), units=(), body_format="json"):
        made, _ = services.register_webhook(
            actor=district_admin,
            name="Communications Teams channel",
            url=url,
            events=events,
            units=units,
            body_format=body_format,
            secret=SECRET,
        )
        return made

    return _make


@pytest.fixture
def inquiry(teacher, school_a):
    def _log():
        return outreach.log_inquiry(
            user=teacher,
            org_unit=school_a,
            received_via="@room12 on Instagram",
            outlet="Valley Gazette",
            contact_name="Rita Reporter",
            question="May we visit?",
            deadline=timezone.now() + datetime.timedelta(days=2),
        )

    return _log


@pytest.fixture
def worker_settings(settings):
    settings.API = {**settings.API, "WEBHOOK_READ_TIMEOUT": 0.5, "WEBHOOK_CONNECT_TIMEOUT": 0.5}
    return settings


def test_a_media_inquiry_writes_its_delivery_in_the_same_transaction(endpoint, inquiry, receiver, comms):
    hook = endpoint(receiver().url)
    logged = inquiry()
    delivery = WebhookDelivery.objects.get()
    event = AuditEvent.objects.get(action="inquiry.logged")
    assert delivery.endpoint == hook and delivery.audit_event == event and delivery.event == "inquiry.created"
    assert delivery.status == "pending" and delivery.payload["event"] == "inquiry.created"
    assert delivery.payload["data"]["target"]["id"] == str(logged.pk)
    assert delivery.payload["id"] == str(delivery.idempotency_key)


def test_a_rolled_back_action_leaves_no_delivery(endpoint, inquiry, receiver, comms):
    endpoint(receiver().url)
    with pytest.raises(RuntimeError), transaction.atomic():
        inquiry()
        raise RuntimeError("the service failed after its audit event")
    assert not WebhookDelivery.objects.exists() and not AuditEvent.objects.filter(action="inquiry.logged").exists()


def test_a_delivery_is_signed_over_timestamp_and_body_and_carries_its_idempotency_key(
    endpoint, inquiry, receiver, comms, worker_settings
):
    server = receiver()
    endpoint(server.url)
    inquiry()
    delivery = WebhookDelivery.objects.get()
    assert services.deliver_webhook(delivery.pk) is True
    [got] = server.received
    signature = got["headers"]["X-AP1311-Signature"]
    assert verify_signature(SECRET, signature, got["body"])
    assert not verify_signature("another-secret-0123456789", signature, got["body"])
    assert not verify_signature(SECRET, signature, got["body"].replace(b"Valley", b"Evil"))
    assert not verify_signature(SECRET, signature, got["body"], now=time.time() + 3600)  # a replay, later
    assert got["headers"]["Idempotency-Key"] == str(delivery.idempotency_key)
    assert got["headers"]["X-AP1311-Event"] == "inquiry.created"
    assert json.loads(got["body"])["data"]["unit"]["name"] == "Ridgeview Elementary"
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status_code == 200


def test_retries_back_off_and_stop_after_success(endpoint, inquiry, receiver, comms, worker_settings, time_machine):
    server = receiver(statuses=[500, 200])
    endpoint(server.url)
    time_machine.move_to(timezone.now(), tick=False)
    inquiry()
    delivery = WebhookDelivery.objects.get()
    assert services.deliver_webhook(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == timezone.now() + services.backoff(1)
    assert services.deliver_webhook(delivery.pk) is False and len(server.received) == 1  # not due yet
    time_machine.shift(services.backoff(1))
    assert services.deliver_webhook(delivery.pk) is True
    assert services.deliver_webhook(delivery.pk) is False
    time_machine.shift(datetime.timedelta(days=1))
    assert tasks.flush_webhooks() == 0
    assert len(server.received) == 2
    keys = {r["headers"]["Idempotency-Key"] for r in server.received}
    assert keys == {str(delivery.idempotency_key)}  # the same id on every retry
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_the_back_off_doubles_and_is_capped():
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert services.backoff(30).total_seconds() == 6 * 3600


def test_after_the_last_attempt_the_delivery_gives_up_and_the_admin_lists_it(
    endpoint, inquiry, receiver, comms, worker_settings, time_machine, client_for, district_admin
):
    worker_settings.API = {**worker_settings.API, "WEBHOOK_MAX_ATTEMPTS": 3}
    server = receiver(statuses=[503])
    endpoint(server.url)
    time_machine.move_to(timezone.now(), tick=False)
    inquiry()
    delivery = WebhookDelivery.objects.get()
    for _ in range(5):
        services.deliver_webhook(delivery.pk)
        time_machine.shift(datetime.timedelta(hours=7))
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 3 and len(server.received) == 3
    page = client_for(district_admin).get(reverse("admin:api_webhookdelivery_changelist"), {"status__exact": "failed"})
    assert page.status_code == 200 and "inquiry.created" in page.content.decode() and "Gave up" in page.content.decode()
    assert services.retry_deliveries([delivery.pk]) == 1
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0


def test_an_unreachable_endpoint_never_blocks_the_users_action(
    endpoint, receiver, client_for, teacher, school_a, comms, worker_settings
):
    silent = receiver(hang=5)  # accepts the connection, never answers in time
    endpoint(silent.url)
    started = time.monotonic()
    response = client_for(teacher).post(
        reverse("outreach:inquiry_create"),
        {
            "org_unit": school_a.pk,
            "received_via": "@room12 on Instagram",
            "outlet": "Valley Gazette",
            "contact_name": "Rita Reporter",
            "question": "May we visit?",
            "deadline": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    assert time.monotonic() - started < 2  # the request never waited for the receiver
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and silent.received == []
    # The worker's attempt gives up quickly and tries again later.
    started = time.monotonic()
    assert services.deliver_webhook(delivery.pk) is False
    assert time.monotonic() - started < 3
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "unreachable or too slow" in delivery.last_error


def test_a_closed_port_is_a_failed_attempt_not_an_error(endpoint, inquiry, comms, worker_settings):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint(f"http://127.0.0.1:{port}/nobody-home")
    inquiry()
    delivery = WebhookDelivery.objects.get()
    assert services.deliver_webhook(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1


def test_the_celery_task_sends_and_the_flush_queues_what_is_due(endpoint, inquiry, receiver, comms, monkeypatch):
    server = receiver()
    endpoint(server.url)
    inquiry()
    queued = []
    monkeypatch.setattr(tasks.send_webhook, "delay", lambda pk: queued.append(pk))
    assert tasks.flush_webhooks() == 1 and queued == [WebhookDelivery.objects.get().pk]
    assert tasks.send_webhook(queued[0]) is True and len(server.received) == 1


def test_the_issues_three_events_are_delivered(endpoint, receiver, teacher, principal, school_a, make_entry, comms):
    endpoint(receiver().url, events=["request.submitted", "inquiry.created", "account.disabled"])
    draft = AccountRequestFactory(requester=teacher, org_unit=school_a)
    approvals.submit_request(account_request=draft, user=teacher)
    registry.disable_account(actor=principal, entry=make_entry(teacher, school_a), reason="Inappropriate posts")
    outreach.log_inquiry(
        user=teacher,
        org_unit=school_a,
        received_via="x",
        outlet="Gazette",
        contact_name="R",
        question="?",
        deadline=timezone.now() + datetime.timedelta(days=1),
    )
    assert sorted(WebhookDelivery.objects.values_list("event", flat=True)) == [
        "account.disabled",
        "inquiry.created",
        "request.submitted",
    ]


def test_an_endpoint_gets_only_its_events_and_units_and_nothing_once_inactive(
    endpoint, inquiry, receiver, district_admin, school_b, comms
):
    url = receiver().url
    endpoint(url, events=["request.submitted"])
    endpoint(url, units=[school_b])
    inactive = endpoint(url)
    services.update_webhook(
        actor=district_admin,
        endpoint=inactive,
        name=inactive.name,
        url=inactive.url,
        events=inactive.events,
        units=[],
        body_format="json",
        is_active=False,
    )
    inquiry()  # school A, inquiry.created
    assert not WebhookDelivery.objects.exists()


def test_the_chat_format_posts_a_teams_and_slack_compatible_text(endpoint, inquiry, receiver, comms):
    server = receiver()
    endpoint(server.url, body_format="chat")
    inquiry()
    assert services.deliver_webhook(WebhookDelivery.objects.get().pk)
    body = json.loads(server.received[0]["body"])
    assert list(body) == ["text"] and "inquiry.created at Ridgeview Elementary" in body["text"]


def test_private_and_non_http_urls_are_refused_in_production(district_admin, settings):
    settings.API = {**settings.API, "WEBHOOK_ALLOW_PRIVATE_URLS": False}
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.5/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "ftp://files.example/hook",
        "https://user:pw@hooks.example/x",
    ]:
        with pytest.raises(services.ApiError):
            services.register_webhook(actor=district_admin, name="x", url=url, events=["inquiry.created"])
    assert not WebhookEndpoint.objects.exists()


def test_a_url_that_became_private_is_refused_at_send_time(endpoint, inquiry, receiver, comms, settings):
    server = receiver()
    endpoint(server.url)  # allowed in tests
    inquiry()
    settings.API = {**settings.API, "WEBHOOK_ALLOW_PRIVATE_URLS": False}
    assert services.deliver_webhook(WebhookDelivery.objects.get().pk) is False
    assert server.received == [] and "private" in WebhookDelivery.objects.get().last_error


def test_a_delivery_abandoned_by_a_dead_worker_is_claimed_again(endpoint, inquiry, receiver, comms, time_machine):
    endpoint(receiver().url)
    time_machine.move_to(timezone.now(), tick=False)
    inquiry()
    delivery = WebhookDelivery.objects.get()
    assert services.claim_delivery(delivery.pk) is True  # the worker dies here
    assert services.claim_delivery(delivery.pk) is False  # another worker must not send it meanwhile
    time_machine.shift(datetime.timedelta(minutes=3))
    assert services.deliver_webhook(delivery.pk) is True


def test_the_admin_shows_a_new_secret_once_and_stores_it_encrypted(client_for, district_admin, receiver):
    from django.db import connection

    client = client_for(district_admin)
    response = client.post(
        reverse("admin:api_webhookendpoint_add"),
        {"name": "Teams", "url": receiver().url, "events": ["inquiry.created"], "body_format": "chat"},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    secret = response.context["secret"]
    assert secret in response.content.decode() and "no-store" in response["Cache-Control"]
    hook = WebhookEndpoint.objects.get()
    assert hook.secret.reveal() == secret
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhookendpoint")
        assert secret not in cursor.fetchone()[0]
    change = client.get(reverse("admin:api_webhookendpoint_change", args=[hook.pk]))
    assert change.status_code == 200 and secret not in change.content.decode()
    assert AuditEvent.objects.filter(action="api.webhook_registered").count() == 1


def test_the_webhook_outbox_is_flushed_every_minute_by_a_declared_schedule():
    from celery import current_app as app

    from notifications.schedules import SCHEDULES

    [flush] = [s for s in SCHEDULES if s.task == "api.tasks.flush_webhooks"]
    assert flush.every_minutes == 1
    app.loader.import_default_modules()
    assert "api.tasks.flush_webhooks" in app.tasks and "api.tasks.send_webhook" in app.tasks


def test_signing_secrets_rotate_to_the_newest_key_and_a_lost_key_is_a_failed_attempt(
    endpoint, inquiry, receiver, comms, settings
):
    from cryptography.fernet import Fernet
    from django.core.management import call_command
    from django.db import connection

    hook = endpoint(receiver().url)
    old_keys = list(settings.CREDENTIAL_ENCRYPTION_KEYS)
    settings.CREDENTIAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    call_command("rotate_webhook_secret_keys", stdout=None)
    settings.CREDENTIAL_ENCRYPTION_KEYS = settings.CREDENTIAL_ENCRYPTION_KEYS[:1]  # the old key is dropped
    assert WebhookEndpoint.objects.get(pk=hook.pk).secret.reveal() == SECRET
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM api_webhookendpoint")
        assert SECRET not in cursor.fetchone()[0]
    settings.CREDENTIAL_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # a key nobody wrote with
    inquiry()
    delivery = WebhookDelivery.objects.get()
    assert services.deliver_webhook(delivery.pk) is False
    delivery.refresh_from_db()
    assert delivery.status == "pending" and "cannot be decrypted" in delivery.last_error
