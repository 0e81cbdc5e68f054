from django.test import RequestFactory

from core.ratelimit import over_rate_limit


def test_the_helper_limits_per_client_address_and_group(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    factory = RequestFactory()
    one, other = factory.get("/", REMOTE_ADDR="10.0.0.1"), factory.get("/", REMOTE_ADDR="10.0.0.2")
    answers = [over_rate_limit(one, group="test.page", rate="3/m") for _ in range(5)]
    assert answers == [False, False, False, True, True]
    assert over_rate_limit(other, group="test.page", rate="3/m") is False
    assert over_rate_limit(one, group="test.other-page", rate="3/m") is False
