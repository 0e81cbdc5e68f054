"""Rate limits for the portal's own pages, through django-ratelimit (allauth limits sign-in itself).

One call per view: `if over_rate_limit(request, group="registry.official-check", rate="20/m"): ...`.
Counters live in the default cache, so they hold across web processes while Redis is up. When Redis
is unreachable, core.cache.ResilientRedisCache keeps them in each process's memory: the limit still
applies, per web process (with 4 gunicorn workers a client may get up to 4 times the rate), and
nothing answers 500.
"""

from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited


def over_rate_limit(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """Count this request against `rate` ("20/m", "5/h"...) for `group`; True when it is over.

    `key` is django-ratelimit's: "ip" (the client address), "user", "user_or_ip", "post:field"...
    """
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)


def over_failure_limit(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> bool:
    """True when `group` already counted `rate`'s number of failures for this client (nothing is counted
    here): for limits on failed attempts only, with `count_failure` after each failure."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count_failure(request: HttpRequest, *, group: str, rate: str, key: str = "ip") -> None:
    """Count one failed attempt against `rate` for `group` (see `over_failure_limit`)."""
    get_usage(request, group=group, key=key, rate=rate, increment=True)
