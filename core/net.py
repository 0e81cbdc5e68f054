"""Who is really there: the client's address, for the audit trail and every rate limit.

Behind the reverse proxy, REMOTE_ADDR is the proxy's address and the client's is in
X-Forwarded-For. That header is only believed when the request comes from a configured trusted proxy
(TRUSTED_PROXIES: addresses or networks); the client is then the right-most hop that is not itself a
trusted proxy, so a client cannot pass a forged address by sending the header itself (the proxy appends
what it saw to whatever the client sent). Without TRUSTED_PROXIES the header is never read.

django-ipware was tried first; its model lists the proxies inside the header, while nginx and Apache
put the proxy in REMOTE_ADDR and append only the client, so this small function says exactly what we do.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in trusted if value.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _is_trusted(_address(remote), networks):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a malformed chain proves nothing: keep what we saw ourselves
        if not _is_trusted(address, networks):
            return str(address)
    return remote
