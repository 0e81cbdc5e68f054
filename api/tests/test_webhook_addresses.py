"""Webhooks reach public services only, checked when the delivery connects (server-side request
forgery, DNS rebinding): a name that resolved to a public address when the URL was saved and
resolves to an internal one when the delivery goes out is refused, and nothing is sent."""

import socket

import pytest
import requests

from api import webhooks

from .test_webhooks import Receiver

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def public_only(settings):
    settings.API = {**settings.API, "WEBHOOK_ALLOW_PRIVATE_URLS": False}


@pytest.fixture
def server():
    receiver = Receiver()
    yield receiver
    receiver.close()


def _resolver(monkeypatch, answers):
    """hooks.example resolves to the next address in `answers` (the last one repeats)."""
    answers = list(answers)

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "hooks.example":
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        address = answers.pop(0) if len(answers) > 1 else answers[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _post(url):
    return webhooks.post(url=url, secret="s", payload={"event": "test"}, event="test", idempotency_key="k")


def test_a_loopback_receiver_is_refused_when_saving_and_when_connecting(public_only, server):
    with pytest.raises(webhooks.UnsafeWebhookURL):
        webhooks.check_url(server.url)
    with pytest.raises(requests.ConnectionError, match="loopback or private"):
        _post(server.url)
    assert server.received == []


def test_a_name_rebound_to_an_internal_address_after_the_check_is_refused(public_only, server, monkeypatch):
    _resolver(monkeypatch, ["93.184.216.34", "127.0.0.1"])
    url = f"http://hooks.example:{server.server.server_port}/hook"
    webhooks.check_url(url)  # public when the URL is saved
    with pytest.raises(requests.ConnectionError, match="loopback or private"):
        _post(url)  # internal when the delivery connects
    assert server.received == []


def test_the_delivery_connects_to_the_address_it_checked(public_only, server, monkeypatch):
    """The name is resolved once, by the check at connect time, and that address is the one used:
    hooks.example exists only in this test's resolver, and the receiver gets the POST for it."""
    _resolver(monkeypatch, ["127.0.0.1"])
    monkeypatch.setattr(webhooks, "_is_public", lambda address: address == "127.0.0.1")
    url = f"http://hooks.example:{server.server.server_port}/hook"
    assert _post(url).status_code == 200
    assert server.received[0]["headers"]["Host"] == f"hooks.example:{server.server.server_port}"


def test_allowing_private_urls_connects_as_before(settings, server):
    settings.API = {**settings.API, "WEBHOOK_ALLOW_PRIVATE_URLS": True}
    assert _post(server.url).status_code == 200 and len(server.received) == 1
