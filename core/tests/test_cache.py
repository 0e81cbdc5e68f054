"""The resilient Redis cache (issue 12): an unreachable Redis is a miss, never an error, and rate-limit
counters keep counting in the process's memory."""

import logging

import pytest

from core import cache as resilient
from core.cache import ResilientRedisCache

DEAD = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused


@pytest.fixture
def dead_cache():
    resilient._down_until.clear()
    backend = ResilientRedisCache(DEAD, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    backend.clear()
    resilient._down_until.clear()  # clear() found Redis down: start each test with a closed breaker
    yield backend
    backend.clear()
    resilient._down_until.clear()


def test_a_read_from_an_unreachable_redis_is_a_miss(dead_cache):
    assert dead_cache.get("anything") is None
    assert dead_cache.get("anything", "default") == "default"
    assert dead_cache.get_or_set("computed", lambda: [1, 2], 60) == [1, 2]


def test_writes_and_counters_carry_on_in_the_process_memory(dead_cache):
    dead_cache.set("k", "v", 60)
    assert dead_cache.get("k") == "v"
    assert dead_cache.add("counter", 0, 60) is True
    assert dead_cache.add("counter", 0, 60) is False
    assert [dead_cache.incr("counter") for _ in range(3)] == [1, 2, 3]
    assert dead_cache.get_many(["k", "missing"]) == {"k": "v"}
    dead_cache.delete("k")
    assert not dead_cache.has_key("k")


def test_after_one_failure_redis_is_left_alone_for_a_few_seconds_and_it_is_logged_once(dead_cache, caplog, monkeypatch):
    attempts = []
    real_get = ResilientRedisCache.__mro__[1].get

    def counting_get(self, *args, **kwargs):
        attempts.append(1)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(ResilientRedisCache.__mro__[1], "get", counting_get)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(20):
            dead_cache.get("x")
    assert len(attempts) == 1
    assert len([r for r in caplog.records if "Cache unreachable" in r.getMessage()]) == 1


def test_the_retry_after_option_is_not_passed_to_redis(dead_cache):
    backend = ResilientRedisCache(DEAD, {"OPTIONS": {"retry_after": 2, "socket_connect_timeout": 0.5}})
    assert backend.retry_after == 2
    assert "retry_after" not in backend._options
    assert backend.get("x") is None
