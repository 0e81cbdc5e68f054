"""Public verification (issue 16 §4): official, retired or unknown, of which unit; nothing else; rate-limited;
CORS open for GET. The portal's "official account?" page shares registry.verification."""

import pytest
from django.urls import reverse

from registry import verification

from .conftest import assert_no_canary

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/verify"


def test_an_active_public_account_is_official_with_its_unit_and_nothing_more(scene, client):
    response = client.get(VERIFY, {"url": "https://instagram.com/lakeside_news"})
    answer = response.json()
    assert response.status_code == 200 and answer["official"] is True and answer["status"] == "official"
    assert answer["accounts"] == [
        {
            "handle": "lakeside_news",
            "platform": "Instagram",
            "url": "https://www.instagram.com/lakeside_news/",
            "unit": "Lakeside Secondary",
            "unit_website": "https://lakeside.sd.example",
            "status": "official",
        }
    ]
    body = response.content.decode()
    assert "teacher.b@sd.example" not in body and "Theo" not in body
    assert_no_canary(response)


def test_handle_and_platform_find_the_account(scene, client):
    assert client.get(VERIFY, {"handle": "@lakeside_news", "platform": "instagram"}).json()["official"] is True
    assert client.get(VERIFY, {"handle": "lakeside_news", "platform": "YouTube"}).json()["status"] == "unknown"


def test_a_disabled_or_removed_public_account_is_retired_not_official(scene, client):
    """§1.4.2: once disabled or removed, the account is no longer the district's voice."""
    for query in ({"url": "youtube.com/@lakeside_band"}, {"url": "https://www.youtube.com/@ridgeview_old_choir"}):
        answer = client.get(VERIFY, query).json()
        assert answer["official"] is False and answer["status"] == "retired"
        assert [a["status"] for a in answer["accounts"]] == ["retired"]


def test_a_private_account_is_neither_confirmed_nor_denied(scene, client):
    """§1.4.4: private class pages are not disclosed to the public."""
    answer = client.get(VERIFY, {"handle": "room12_ridgeview"}).json()
    assert answer == {**answer, "official": False, "status": "unknown", "accounts": []}


def test_any_site_may_read_the_answer_cors(scene, client):
    response = client.get(VERIFY, {"handle": "lakeside_news"}, HTTP_ORIGIN="https://lakeside.sd.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    preflight = client.options(VERIFY, HTTP_ORIGIN="https://x.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == "*"


def test_cors_is_open_on_the_verify_endpoint_only(make_token, api):
    _, key = make_token("registry:read")
    assert "Access-Control-Allow-Origin" not in api(key).get("/api/v1/units/")


def test_a_question_without_url_or_handle_is_a_clear_400(client):
    response = client.get(VERIFY)
    assert response.status_code == 400 and "handle" in response.json()["url"][0]
    assert client.get(VERIFY, {"url": "x" * 400}).status_code == 400
    assert client.get(VERIFY, {"url": "a", "handle": "b"}).status_code == 400
    # A NUL character is refused, never a server error (PostgreSQL cannot even compare it).
    assert client.get(VERIFY, {"handle": "lakeside\x00news"}).status_code == 400
    assert verification.verify("lakeside\x00_news").query == "lakeside_news"


def test_verification_is_rate_limited_per_address(scene, client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "600/min", "verify": "2/min"})
    codes = [client.get(VERIFY, {"handle": "x"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    # Another address has its own allowance; a forged X-Forwarded-For does not make one.
    assert client.get(VERIFY, {"handle": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get(VERIFY, {"handle": "x"}, REMOTE_ADDR="203.0.113.9").status_code == 200


def test_the_official_check_page_and_the_api_agree(scene, client):
    """The page answers with verification.verify, the code behind the API's verify."""
    for query in ["lakeside_news", "https://www.instagram.com/lakeside_news/", "room12_ridgeview", "lakeside_band"]:
        page = client.get(reverse("registry:official_check"), {"q": query}).context["results"]
        official = [a for a in verification.verify(query).accounts if a.status == "official"]
        assert [(r.handle, r.unit) for r in page] == [(a.handle, a.unit) for a in official], query
