"""A Redis cache that never takes a page down: when Redis cannot be reached, the process carries on
with a cache in its own memory.

Nothing the portal keeps in the cache is the only copy of anything (the database is): rate-limit
counters (allauth's sign-in and reset limits, core.ratelimit), the audit filter's list of action
names. So a connection error or timeout is logged and the operation is done on a per-process
local-memory cache instead: a read is a miss the first time, a write lands locally, and `add`/`incr`
keep counting, so every rate limit still limits, per web process, until Redis is back.

After an error the backend stops asking Redis for RETRY_AFTER_SECONDS (a small circuit breaker), so
an outage costs one connection timeout every few seconds per process, not one per call. Set
`socket_connect_timeout` and `socket_timeout` in the cache's OPTIONS (settings.py does) so that an
unreachable host fails fast instead of hanging a request.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Shared by every thread of the process (Django builds one backend per thread): which servers are
# known to be down, until when.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache, with cache errors turned into local fallbacks."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", RETRY_AFTER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._server_key = str(server)
        # Every backend instance of this server in the process shares one memory (LocMemCache keys
        # its storage by name).
        self._local = LocMemCache(f"resilient-fallback:{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    # --- the breaker ---------------------------------------------------------------------------------

    def _redis_usable(self) -> bool:
        until = _down_until.get(self._server_key)
        return until is None or time.monotonic() >= until

    def _failed(self, operation: str, error: Exception) -> None:
        with _lock:
            first = self._redis_usable()
            _down_until[self._server_key] = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "Cache unreachable during %s (%s: %s); using this process's memory for %.0f s",
                operation,
                type(error).__name__,
                error,
                self.retry_after,
            )

    def _recovered(self) -> None:
        if self._server_key in _down_until:
            with _lock:
                if _down_until.pop(self._server_key, None) is not None:
                    logger.info("Cache reachable again")

    def _call(self, operation: str, *args, **kwargs):
        if self._redis_usable():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except UNREACHABLE as error:
                self._failed(operation, error)
            else:
                self._recovered()
                return result
        return getattr(self._local, operation)(*args, **kwargs)

    # --- the cache API (BaseCache builds get_or_set, decr, the async variants... on these) -----------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._local.clear()
        return self._call("clear")
