"""Redis down (issue 12): with the cache unreachable, every page that needs only the database answers,
and the rate limits still limit (per web process, from its own memory: core.cache).

The cache here is the portal's own configuration (governance.settings.redis_cache) pointed at a port
where nothing listens, so every cache call meets a real connection error. Before the fix, sign-in,
the password reset, /audit/ and the official check answered 500.
"""

import pytest
from django.urls import reverse

from accounts.factories import TEST_PASSWORD, UserFactory
from audit.services import record_event
from core import cache as resilient_cache
from governance.settings import redis_cache

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def redis_down(settings):
    resilient_cache._down_until.clear()
    settings.CACHES = {"default": redis_cache(DEAD_REDIS)}
    yield
    resilient_cache._down_until.clear()


def test_sign_in_works_with_redis_down(client):
    user = UserFactory(email="t@sd.example")
    response = client.post(reverse("account_login"), {"login": "t@sd.example", "password": TEST_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code == 200


def test_failed_sign_ins_are_still_rate_limited_with_redis_down(client):
    UserFactory(email="victim@sd.example")
    wrong = {"login": "victim@sd.example", "password": "guess"}
    for _ in range(5):
        assert client.post(reverse("account_login"), wrong).status_code == 200
    response = client.post(reverse("account_login"), {"login": "victim@sd.example", "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_works_and_is_still_rate_limited_with_redis_down(client):
    UserFactory(email="t@sd.example")
    statuses = [client.post(reverse("account_reset_password"), {"email": "t@sd.example"}).status_code for _ in range(7)]
    assert statuses[0] == 302
    assert 429 in statuses and 500 not in statuses


def test_the_audit_trail_and_its_cached_action_filter_work_with_redis_down(client_for, district_admin):
    record_event(actor=district_admin, action="request.created")
    response = client_for(district_admin).get(reverse("audit:list"), {"action": "request.created"})
    assert response.status_code == 200
    assert "request.created" in response.content.decode()


def test_the_public_official_check_answers_and_still_limits_with_redis_down(client, settings):
    settings.OFFICIAL_CHECK_RATE_PER_MINUTE = 3
    url = reverse("registry:official_check")
    statuses = [client.get(url, {"q": "@ridgeviewnews"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
