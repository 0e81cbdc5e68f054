"""Read endpoints: each token sees what its scopes and units allow (the pages' own selectors), never a
login detail (§1.4.5), filters like the pages, and a bounded number of queries whatever the page size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import OrgUnitFactory, UserFactory
from approvals import services as approvals
from approvals.factories import AccountRequestFactory
from audit.services import record_event
from registry.models import RegistryEntry

from .conftest import assert_no_canary

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/registry/entries/"


def handles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {e["handle"] for e in response.json()["results"]}


def test_registry_read_sees_every_entry_of_the_district_but_removed_ones_only_when_asked(scene, make_token, api):
    _, key = make_token("registry:read")
    assert handles(api(key).get(ENTRIES)) == {"room12_ridgeview", "lakeside_news", "lakeside_band"}
    assert "ridgeview_old_choir" in handles(api(key).get(ENTRIES, {"status": "all"}))
    assert handles(api(key).get(ENTRIES, {"status": "removed"})) == {"ridgeview_old_choir"}


def test_a_unit_scoped_token_sees_only_its_units_and_gets_404_for_the_others(scene, make_token, api):
    _, key = make_token("registry:read", units=[scene.school_a])
    assert handles(api(key).get(ENTRIES, {"status": "all"})) == {"room12_ridgeview", "ridgeview_old_choir"}
    assert api(key).get(f"{ENTRIES}{scene.a_private.pk}/").status_code == 200
    assert api(key).get(f"{ENTRIES}{scene.b_public.pk}/").status_code == 404
    assert [u["code"] for u in api(key).get("/api/v1/units/").json()["results"]] == [scene.school_a.code]


def test_registry_public_sees_only_active_public_accounts_like_the_communications_manager(scene, make_token, api):
    """§1.5.1's read-only view of public accounts, for the district's web sites."""
    _, key = make_token("registry:public")
    assert handles(api(key).get(ENTRIES, {"status": "all"})) == {"lakeside_news"}
    assert api(key).get(f"{ENTRIES}{scene.a_private.pk}/").status_code == 404


def test_a_token_without_a_registry_scope_gets_403(scene, make_token, api):
    _, key = make_token("audit:read")
    assert api(key).get(ENTRIES).status_code == 403
    assert api(key).get(f"{ENTRIES}{scene.a_private.pk}/").status_code == 403


def test_an_entry_shows_owner_and_co_admins_by_name_and_e_mail_but_no_login_detail(scene, make_token, api):
    _, key = make_token("registry:read")
    response = api(key).get(f"{ENTRIES}{scene.a_private.pk}/")
    entry = response.json()
    assert entry["owner"] == {"name": "Tara Teacher", "email": "teacher@sd.example"}
    assert entry["co_admins"] == [{"name": "Cole League", "email": "colleague@sd.example"}]
    assert entry["status"] == "active" and entry["privacy"] == "private" and entry["comment_setting"] == "on"
    assert entry["next_review_due"] == "2030-01-01" and "last_reviewed_at" in entry
    assert not {"login_username", "login_email", "recovery_email", "password"} & set(entry)
    assert_no_canary(response)


def test_search_never_matches_a_login_username(scene, make_token, api):
    """The page's search covers login usernames for approvers; a token must not be able to probe them."""
    _, key = make_token("registry:read")
    assert handles(api(key).get(ENTRIES, {"q": "canary-login-user-a"})) == set()
    assert handles(api(key).get(ENTRIES, {"q": "room12"})) == {"room12_ridgeview"}


def test_entries_filter_on_the_fields_of_the_registry_page(scene, make_token, api):
    _, key = make_token("registry:read")
    c = api(key)
    assert handles(c.get(ENTRIES, {"unit": scene.school_b.pk})) == {"lakeside_news", "lakeside_band"}
    assert handles(c.get(ENTRIES, {"unit_code": "ridgeview"})) == {"room12_ridgeview"}
    assert handles(c.get(ENTRIES, {"platform": scene.youtube.pk})) == {"lakeside_band"}
    assert handles(c.get(ENTRIES, {"status": "disabled"})) == {"lakeside_band"}
    assert handles(c.get(ENTRIES, {"comment_setting": "on"})) == {"room12_ridgeview"}
    assert handles(c.get(ENTRIES, {"privacy": "public"})) == {"lakeside_news", "lakeside_band"}
    RegistryEntry.objects.filter(pk=scene.b_public.pk).update(next_review_due=datetime.date(2020, 1, 1))
    assert handles(c.get(ENTRIES, {"flag": "overdue"})) == {"lakeside_news"}
    bad = c.get(ENTRIES, {"status": "exploded"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_requests_carry_their_status_history_and_drafts_stay_private(
    make_token, api, teacher, principal, school_a, school_b, teacher_b
):
    submitted = AccountRequestFactory(requester=teacher, org_unit=school_a, title="Room 12 news")
    submitted.status = "draft"
    submitted.save()
    approvals.submit_request(account_request=submitted, user=teacher)
    approvals.approve_request(account_request=submitted.pk, user=principal, comment="Go ahead")
    AccountRequestFactory(requester=teacher, org_unit=school_a, title="Still a draft")
    other = AccountRequestFactory(requester=teacher_b, org_unit=school_b, submitted=True, title="Lakeside band")
    _, key = make_token("requests:read", units=[school_a])
    response = api(key).get("/api/v1/requests/")
    results = response.json()["results"]
    assert [r["title"] for r in results] == ["Room 12 news"]
    history = results[0]["status_history"]
    assert [h["status"] for h in history] == ["submitted", "approved"]
    assert history[1]["by"] == "Priya Principal" and history[1]["comment"] == "Go ahead"
    assert results[0]["requester"]["email"] == "teacher@sd.example" and "account_email" not in results[0]
    assert api(key).get(f"/api/v1/requests/{submitted.pk}/").json()["status_history"] == history
    assert api(key).get(f"/api/v1/requests/{other.pk}/").status_code == 404
    assert api(key).get("/api/v1/requests/", {"status": "approved"}).json()["count"] == 1
    assert api(key).get("/api/v1/requests/", {"status": "submitted"}).json()["count"] == 0


def test_platforms_lists_the_approved_catalogue_only(make_token, api):
    from catalogue.models import Platform

    Platform.objects.create(name="Approved one")
    Platform.objects.create(name="Not approved", is_approved=False)
    _, key = make_token("registry:public")
    names = [p["name"] for p in api(key).get("/api/v1/platforms/").json()["results"]]
    assert "Approved one" in names and "Not approved" not in names


def test_an_id_beyond_64_bits_is_a_404_not_an_error(make_token, api):
    _, key = make_token("registry:read", "requests:read")
    assert api(key).get(f"{ENTRIES}99999999999999999999/").status_code == 404
    assert api(key).get("/api/v1/requests/99999999999999999999/").status_code == 404


# --- query counts do not grow with the page size --------------------------------------------------------


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured)


def _fill(rows: int):
    """`rows` registry entries (with co-admins), requests (with history) and audit events."""
    unit = OrgUnitFactory()
    people = [UserFactory() for _ in range(3)]
    from catalogue.models import Platform

    platform = Platform.objects.get_or_create(name="Instagram")[0]
    for n in range(rows):
        entry = RegistryEntry.objects.create(
            platform=platform,
            org_unit=unit,
            owner=people[0],
            handle=f"bulk{unit.pk}_{n}",
            login_username="x",
            login_email="x@sd.example",
            next_review_due=datetime.date(2030, 1, 1),
        )
        entry.co_admins.add(people[1], people[2])
        req = AccountRequestFactory(requester=people[0], org_unit=unit, submitted=True)
        record_event(actor=people[0], action="request.submitted", target=req, org_unit=unit)


@pytest.mark.parametrize(
    "url", ["/api/v1/registry/entries/", "/api/v1/requests/", "/api/v1/audit/events/", "/api/v1/units/"]
)
def test_query_count_does_not_grow_with_the_page_size(url, make_token, api, settings):
    settings.API = {**settings.API, "AUDIT_SETTLE_SECONDS": 0}
    _, key = make_token("registry:read", "requests:read", "audit:read")
    client = api(key)
    client.get(url)  # the token's first use (audited once) is behind us
    _fill(5)
    small = _queries(client, url, {"page_size": 5, "limit": 5})
    _fill(45)
    large = _queries(client, url, {"page_size": 50, "limit": 50})
    assert large == small, f"{url}: {small} queries for 5 rows, {large} for 50"


def test_docs_and_badge_pages_are_public(client):
    assert client.get(reverse("api:docs")).status_code == 200
    assert client.get(reverse("api:schema")).status_code == 200
    badge = client.get(reverse("api:badge"), {"url": "https://www.instagram.com/lakeside_news/"})
    assert badge.status_code == 200 and "badge.js" in badge.content.decode()
