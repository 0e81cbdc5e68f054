"""The audit trail and rate limits see the client, not the reverse proxy, and never a forged header (issue 11)."""

import pytest
from django.test import RequestFactory

from core.net import client_ip

PROXY = "10.0.0.5"


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.7", forwarded="203.0.113.9")) == "198.51.100.7"


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request(PROXY, forwarded="203.0.113.9")) == "203.0.113.9"


def test_a_client_cannot_forge_its_address_through_the_proxy(settings):
    # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended what it saw.
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request(PROXY, forwarded="1.1.1.1, 203.0.113.9")) == "203.0.113.9"


def test_a_header_from_an_untrusted_peer_is_not_believed(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request("198.51.100.7", forwarded="203.0.113.9")) == "198.51.100.7"


def test_chains_of_trusted_proxies_and_networks(settings):
    settings.TRUSTED_PROXIES = ["10.1.0.0/24", PROXY]
    assert client_ip(_request(PROXY, forwarded="203.0.113.9, 10.1.0.17")) == "203.0.113.9"
    assert client_ip(_request(PROXY, forwarded="2001:db8::1")) == "2001:db8::1"


@pytest.mark.parametrize("forwarded", ["", "not-an-ip", "203.0.113.9, garbage"])
def test_a_malformed_or_empty_chain_falls_back_to_what_we_saw(settings, forwarded):
    settings.TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request(PROXY, forwarded=forwarded)) == PROXY


@pytest.mark.django_db
def test_audit_events_record_the_client_behind_the_proxy(settings, client_for, teacher, school_a):
    from approvals import services
    from approvals.factories import approved_platform
    from audit.models import AuditEvent

    draft = services.create_draft(
        requester=teacher, values={"org_unit": school_a, "platform": approved_platform(), "title": "Garden blog"}
    )
    settings.TRUSTED_PROXIES = [PROXY]
    client_for(teacher).post(
        f"/requests/{draft.pk}/withdraw/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )
    assert AuditEvent.objects.get(action="request.withdrawn").source_ip == "203.0.113.9"
