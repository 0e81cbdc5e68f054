"""Webhook mechanics: which URLs may receive, how a delivery is signed, and how it is sent.

Signature (documented in README.md, "API"): the header

    X-AP1311-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>

A receiver recomputes v1 over the raw body it got, compares in constant time and refuses a `t`
older than a few minutes (replays). `Idempotency-Key` (a UUID, the same on every retry of one
delivery) lets it ignore a delivery it has already processed.
"""

import hashlib
import hmac
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

SIGNATURE_HEADER = "X-AP1311-Signature"
EVENT_HEADER = "X-AP1311-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
USER_AGENT = "AP1311-portal-webhooks/1"


class UnsafeWebhookURL(ValueError):
    """The URL is not http(s), or points at a loopback or private address."""


def api_setting(name: str):
    return settings.API[name]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str) -> None:
    """Refuse anything but http(s), and (unless API["WEBHOOK_ALLOW_PRIVATE_URLS"]) any host that
    resolves to a loopback, private, link-local or reserved address: a webhook must not become a way
    to reach the district's internal services from the portal (server-side request forgery)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UnsafeWebhookURL("This is not a valid URL.") from error
    if parts.scheme not in ("http", "https") or not host:
        raise UnsafeWebhookURL("Only http:// and https:// URLs can receive webhooks.")
    if parts.username or parts.password:
        raise UnsafeWebhookURL("Put no user name or password in the URL: deliveries are signed instead.")
    if api_setting("WEBHOOK_ALLOW_PRIVATE_URLS"):
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeWebhookURL(f"The host {host} cannot be resolved.") from error
    if not addresses or not all(_is_public(a) for a in addresses):
        raise UnsafeWebhookURL(f"{host} is a loopback or private address: webhooks go to public services only.")


def body_bytes(payload) -> bytes:
    """The exact bytes sent (and signed): compact, keys sorted, UTF-8."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode("utf-8")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify_signature(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (and what the tests do): True when `header` signs `body` with `secret`
    and its timestamp is within `tolerance` seconds of now."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)


def _pinned_socket(conn: HTTPConnection):
    """Resolve the host once, refuse it unless every address is public, and connect to one of the
    addresses just checked. check_url's earlier answer is not trusted: a name can resolve to a public
    address when the URL is saved and to an internal one when the delivery connects (DNS rebinding)."""
    try:
        infos = socket.getaddrinfo(conn._dns_host, conn.port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise NameResolutionError(conn.host, conn, error) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses or not all(_is_public(a) for a in addresses):
        raise NewConnectionError(conn, f"{conn.host} resolves to a loopback or private address: not connected")
    last_error: OSError | None = None
    for address in addresses:
        try:
            return urllib3_connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(conn, f"Connection to {conn.host} timed out.") from error
        except OSError as error:
            last_error = error
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}")


class _PublicHTTPConnection(HTTPConnection):
    def _new_conn(self):
        return _pinned_socket(self)


class _PublicHTTPSConnection(HTTPSConnection):
    # TLS still checks the certificate against the host name (SNI and verification use self.host).
    def _new_conn(self):
        return _pinned_socket(self)


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class PublicOnlyAdapter(HTTPAdapter):
    """Direct connections only to the public addresses checked at connect time (a proxy the district
    configured, API["WEBHOOK_TRUST_ENV"], is its own and is not checked)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}


def post(*, url: str, secret: str, payload, event: str, idempotency_key: str) -> requests.Response:
    """One signed POST with short timeouts and no redirects (a redirect could lead to a private
    address the URL check never saw), connected only to an address checked at that moment
    (PublicOnlyAdapter). Raises requests.RequestException when unreachable or refused."""
    body = body_bytes(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        EVENT_HEADER: event,
        IDEMPOTENCY_HEADER: idempotency_key,
    }
    with requests.Session() as session:
        # Proxies from the environment only when the district asks for them (API["WEBHOOK_TRUST_ENV"]).
        session.trust_env = api_setting("WEBHOOK_TRUST_ENV")
        if not api_setting("WEBHOOK_ALLOW_PRIVATE_URLS"):
            session.mount("http://", PublicOnlyAdapter())
            session.mount("https://", PublicOnlyAdapter())
        return session.post(
            url,
            data=body,
            headers=headers,
            timeout=(api_setting("WEBHOOK_CONNECT_TIMEOUT"), api_setting("WEBHOOK_READ_TIMEOUT")),
            allow_redirects=False,
        )
