"""SCIM Users (RFC 7643 §4.1, RFC 7644 §3) as Entra ID and Okta send them."""

import pytest

from accounts.factories import UserFactory
from accounts.models import User
from audit.models import AuditEvent
from directory.models import DirectoryConnection, DirectoryUser
from directory.services import tokens

from .conftest import ENTERPRISE, USER_SCHEMA, Scim

pytestmark = pytest.mark.django_db

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def test_creating_a_user_makes_a_portal_user_who_signs_in_through_single_sign_on(scim, connection):
    response = scim.create_user()
    assert response.status_code == 201
    assert response["Content-Type"].startswith("application/scim+json")
    assert response["Location"].endswith(f"/scim/v2/Users/{response.json_body['id']}")
    user = User.objects.get(email="new.teacher@sd.example")
    assert (user.first_name, user.last_name, user.is_active) == ("Nora", "Newton", True)
    assert not user.has_usable_password()
    record = user.directory_record
    assert (record.connection, record.external_id, record.employee_number) == (connection, "new.teacher", "E-1001")
    assert response.json_body[ENTERPRISE]["employeeNumber"] == "E-1001"


def test_every_provisioning_change_is_audited_with_the_connection_and_no_person_as_actor(scim):
    uid = scim.create_user().json_body["id"]
    scim.patch(f"Users/{uid}", {"op": "replace", "path": "name.givenName", "value": "Norah"})
    events = AuditEvent.objects.filter(action__startswith="directory.user").order_by("pk")
    assert [e.action for e in events] == ["directory.user_provisioned", "directory.user_updated"]
    assert all(e.actor is None for e in events)
    assert events[0].details["via"] == "via directory connection Entra ID (staff)"
    assert events[1].details["changes"] == {"givenName": ["Nora", "Norah"]}


def test_a_user_name_on_another_districts_domain_is_refused_with_a_scim_error(scim):
    # AP 1311 §1.1.1: only district addresses, by SCIM too.
    response = scim.create_user("someone@other-district.example")
    assert response.status_code == 400
    assert response.json_body["schemas"] == [ERROR_SCHEMA]
    assert response.json_body["scimType"] == "invalidValue"
    assert "§1.1.1" in response.json_body["detail"]
    assert not User.objects.filter(email="someone@other-district.example").exists()


def test_changing_the_user_name_to_another_domain_is_refused_and_changes_nothing(scim):
    uid = scim.create_user().json_body["id"]
    response = scim.patch(f"Users/{uid}", {"op": "replace", "path": "userName", "value": "nora@gmail.com"})
    assert response.status_code == 400
    assert User.objects.filter(email="new.teacher@sd.example").exists()


def test_a_person_already_in_the_portal_is_adopted_not_duplicated(scim, teacher):
    response = scim.create_user(teacher.email)
    assert response.status_code == 201
    teacher.refresh_from_db()
    assert teacher.directory_record.scim_id.hex == response.json_body["id"].replace("-", "")
    assert teacher.has_usable_password()  # their own password stays; the directory did not create them
    assert AuditEvent.objects.filter(action="directory.user_adopted", target_id=str(teacher.pk)).exists()


def test_a_user_name_provisioned_twice_is_a_uniqueness_conflict(scim):
    scim.create_user()
    response = scim.create_user(externalId="other-id")
    assert response.status_code == 409
    assert response.json_body["scimType"] == "uniqueness"


def test_get_returns_the_user_with_its_etag_and_if_none_match_answers_not_modified(scim):
    created = scim.create_user().json_body
    response = scim("GET", f"Users/{created['id']}")
    assert response.status_code == 200
    assert response.json_body["userName"] == "new.teacher@sd.example"
    etag = response["ETag"]
    assert etag == created["meta"]["version"]
    assert scim("GET", f"Users/{created['id']}", headers={"If-None-Match": etag}).status_code == 304


def test_filter_by_user_name_finds_exactly_that_user_whatever_its_case(scim):
    scim.create_user()
    scim.create_user("other.teacher@sd.example", externalId="other")
    response = scim("GET", 'Users?filter=userName eq "New.Teacher@sd.example"')
    assert response.status_code == 200
    assert response.json_body["totalResults"] == 1
    assert response.json_body["Resources"][0]["userName"] == "new.teacher@sd.example"
    assert scim("GET", 'Users?filter=userName eq "nobody@sd.example"').json_body["totalResults"] == 0


def test_filter_by_external_id_and_by_the_enterprise_employee_number(scim):
    scim.create_user()
    assert scim("GET", 'Users?filter=externalId eq "new.teacher"').json_body["totalResults"] == 1
    found = scim("GET", f'Users?filter={ENTERPRISE}:employeeNumber eq "E-1001"').json_body
    assert found["totalResults"] == 1


def test_a_filter_that_is_not_scim_grammar_is_an_invalid_filter_error(scim):
    response = scim("GET", "Users?filter=userName eq")
    assert response.status_code == 400
    assert response.json_body["scimType"] == "invalidFilter"


def test_pagination_follows_start_index_and_count(scim):
    for n in range(5):
        scim.create_user(f"t{n}@sd.example", externalId=f"t{n}")
    page = scim("GET", "Users?startIndex=2&count=2").json_body
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [r["userName"] for r in page["Resources"]] == ["t1@sd.example", "t2@sd.example"]


def test_put_replaces_the_user(scim):
    created = scim.create_user().json_body
    body = {
        "schemas": [USER_SCHEMA],
        "id": created["id"],
        "userName": "nora.newton@sd.example",
        "name": {"givenName": "Nora", "familyName": "Newton-Hill"},
        "active": True,
    }
    response = scim("PUT", f"Users/{created['id']}", body)
    assert response.status_code == 200
    user = User.objects.get(email="nora.newton@sd.example")
    assert user.last_name == "Newton-Hill"
    assert user.directory_record.employee_number == ""


def test_entra_deprovisions_with_active_false_as_the_string_false(scim):
    # Entra ID has sent "False" (a string) in a replace without a path and with one.
    uid = scim.create_user().json_body["id"]
    response = scim.patch(f"Users/{uid}", {"op": "Replace", "path": "active", "value": "False"})
    assert response.status_code in (200, 204)
    user = User.objects.get(email="new.teacher@sd.example")
    assert user.is_active is False
    event = AuditEvent.objects.get(action="directory.user_deactivated")
    assert event.details["changes"]["active"] == [True, False]
    assert event.actor is None


def test_a_replace_without_a_path_carrying_active_false_deactivates(scim):
    uid = scim.create_user().json_body["id"]
    scim.patch(f"Users/{uid}", {"op": "replace", "value": {"active": False}})
    assert User.objects.get(email="new.teacher@sd.example").is_active is False
    scim.patch(f"Users/{uid}", {"op": "replace", "value": {"active": "True"}})
    assert User.objects.get(email="new.teacher@sd.example").is_active is True
    assert AuditEvent.objects.filter(action="directory.user_reactivated").count() == 1


def test_entra_attribute_updates_reach_the_user(scim):
    uid = scim.create_user().json_body["id"]
    response = scim.patch(
        f"Users/{uid}",
        {"op": "Add", "path": "name.familyName", "value": "Newton-Hill"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "new.teacher@sd.example"},
        {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E-2002"},
        {"op": "Replace", "path": "externalId", "value": "guid-42"},
    )
    assert response.status_code in (200, 204)
    record = DirectoryUser.objects.select_related("user").get(scim_id=uid)
    assert (record.user.last_name, record.employee_number, record.external_id) == ("Newton-Hill", "E-2002", "guid-42")


def test_a_patch_that_changes_nothing_writes_no_audit_event(scim):
    uid = scim.create_user().json_body["id"]
    before = AuditEvent.objects.count()
    scim.patch(f"Users/{uid}", {"op": "replace", "path": "active", "value": True})
    assert AuditEvent.objects.count() == before


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(scim):
    created = scim.create_user().json_body
    scim.patch(f"Users/{created['id']}", {"op": "replace", "path": "name.givenName", "value": "Norah"})
    response = scim.patch(
        f"Users/{created['id']}",
        {"op": "replace", "path": "active", "value": False},
        headers={"If-Match": created["meta"]["version"]},
    )
    assert response.status_code == 412
    assert User.objects.get(email="new.teacher@sd.example").is_active is True


def test_delete_deactivates_the_person_and_removes_the_resource_but_keeps_the_user(scim):
    uid = scim.create_user().json_body["id"]
    assert scim("DELETE", f"Users/{uid}").status_code == 204
    user = User.objects.get(email="new.teacher@sd.example")
    assert user.is_active is False
    assert not DirectoryUser.objects.filter(scim_id=uid).exists()
    assert scim("GET", f"Users/{uid}").status_code == 404
    assert AuditEvent.objects.filter(action="directory.user_removed", target_id=str(user.pk)).exists()


def test_a_missing_or_wrong_bearer_token_is_refused_with_401(scim):
    for token in ["", "scim_wrong", "not-even-a-prefix"]:
        response = scim("GET", "Users", token=token)
        assert response.status_code == 401
        assert response.json_body["schemas"] == [ERROR_SCHEMA]
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert scim("GET", "Users", headers={"Authorization": "Basic abc"}, token="").status_code == 401


def test_a_revoked_token_is_refused_and_another_token_of_the_connection_still_works(scim, connection, district_admin):
    assert scim("GET", "Users").status_code == 200
    token_row = connection.tokens.get()
    tokens.revoke_token(actor=district_admin, token=token_row)
    assert scim("GET", "Users").status_code == 401
    _, fresh = tokens.issue_token(actor=district_admin, connection=connection)
    assert scim("GET", "Users", token=fresh).status_code == 200


def test_an_inactive_connection_is_refused(scim, connection):
    connection.is_active = False
    connection.save()
    assert scim("GET", "Users").status_code == 401


def test_a_connection_sees_only_its_own_users(scim, client, district_admin):
    uid = scim.create_user().json_body["id"]
    other = DirectoryConnection.objects.create(name="Okta (test tenant)", provider="okta")
    _, other_token = tokens.issue_token(actor=district_admin, connection=other)
    other_scim = Scim(client, other_token)
    assert other_scim("GET", f"Users/{uid}").status_code == 404
    assert other_scim("GET", "Users").json_body["totalResults"] == 0
    assert other_scim.patch(f"Users/{uid}", {"op": "replace", "path": "active", "value": False}).status_code == 404
    # ... and cannot take over the person either.
    assert other_scim.create_user().status_code == 409


def test_the_token_is_stored_hashed_never_in_clear(token, connection):
    row = connection.tokens.get()
    assert token not in row.token_hash and row.token_hash == tokens.hash_token(token)
    assert not AuditEvent.objects.filter(details__icontains=token).exists()


def test_discovery_endpoints_describe_users_groups_and_the_enterprise_extension(scim):
    config = scim("GET", "ServiceProviderConfig").json_body
    assert config["patch"]["supported"] and config["filter"]["supported"] and config["etag"]["supported"]
    types = {r["id"] for r in scim("GET", "ResourceTypes").json_body["Resources"]}
    assert types == {"User", "Group"}
    schemas = {r["id"] for r in scim("GET", "Schemas").json_body["Resources"]}
    assert {USER_SCHEMA, ENTERPRISE, "urn:ietf:params:scim:schemas:core:2.0:Group"} <= schemas


def test_a_password_sent_by_the_directory_is_never_stored(scim):
    scim.create_user(password="Directory-Sent-Secret-1")
    user = User.objects.get(email="new.teacher@sd.example")
    assert not user.has_usable_password()
    assert "Directory-Sent-Secret-1" not in str(user.directory_record.emails)


def test_users_made_by_hand_are_not_listed_until_the_directory_adopts_them(scim):
    UserFactory(email="by.hand@sd.example")
    assert scim("GET", 'Users?filter=userName eq "by.hand@sd.example"').json_body["totalResults"] == 0


# --- What /Schemas announces, and failed tokens (issue 15) -------------------------------------------------


def test_the_schemas_announce_only_the_attributes_the_portal_supports(scim):
    """scim2-tester PATCHes every announced attribute: the full RFC 7643 User would invite nickName,
    phoneNumbers... which the portal drops."""
    resources = {r["id"]: r for r in scim("GET", "Schemas").json_body["Resources"]}
    user = {a["name"]: a for a in resources[USER_SCHEMA]["attributes"]}
    assert set(user) == {"userName", "name", "displayName", "active", "emails", "groups"}
    assert {s["name"] for s in user["name"]["subAttributes"]} == {"givenName", "familyName", "formatted"}
    formatted = next(s for s in user["name"]["subAttributes"] if s["name"] == "formatted")
    assert formatted["mutability"] == "readOnly"  # derived from the given and family names
    assert {s["name"] for s in user["emails"]["subAttributes"]} == {"value", "type", "primary"}
    assert user["groups"]["mutability"] == "readOnly" and user["userName"]["mutability"] == "readWrite"
    assert "password" not in user and "nickName" not in user
    assert [a["name"] for a in resources[ENTERPRISE]["attributes"]] == ["employeeNumber"]
    group = {a["name"]: a for a in resources["urn:ietf:params:scim:schemas:core:2.0:Group"]["attributes"]}
    assert set(group) == {"displayName", "members"}
    one = scim("GET", f"Schemas/{USER_SCHEMA}").json_body
    assert {a["name"] for a in one["attributes"]} == set(user)


def test_failed_bearer_tokens_are_limited_per_client_address_with_a_scim_429(scim, client):
    from directory.scim.views import FAILED_TOKEN_RATE

    limit = int(FAILED_TOKEN_RATE.split("/")[0])
    for _ in range(limit):
        assert scim("GET", "Users", token="guessed-token").status_code == 401
    refused = scim("GET", "Users", token="guessed-token")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused["Content-Type"] == "application/scim+json"
    assert refused.json_body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert refused.json_body["status"] == "429"
    # The address is refused for now, the right token included; another address is not.
    assert scim("GET", "Users").status_code == 429
    other = client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {scim.token}", REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 200


def test_a_valid_token_counts_no_failure(scim):
    from directory.scim.views import FAILED_TOKEN_RATE

    for _ in range(int(FAILED_TOKEN_RATE.split("/")[0]) + 2):
        assert scim("GET", "Users").status_code == 200
    assert scim("GET", "Users", token="wrong").status_code == 401
