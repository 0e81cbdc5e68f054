import json

import pytest

from directory.models import DirectoryConnection
from directory.services import tokens

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def connection(db):
    return DirectoryConnection.objects.create(name="Entra ID (staff)", provider="entra")


@pytest.fixture
def token(connection, district_admin):
    _, plaintext = tokens.issue_token(actor=district_admin, connection=connection)
    return plaintext


class Scim:
    """Requests to /scim/v2/ as an identity provider sends them."""

    def __init__(self, client, token):
        self.client, self.token = client, token

    def __call__(self, method, path, body=None, *, token=None, headers=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {token if token is not None else self.token}"}
        for name, value in (headers or {}).items():
            extra["HTTP_" + name.upper().replace("-", "_")] = value
        kwargs = {"content_type": "application/scim+json", **extra}
        if body is not None:
            kwargs["data"] = json.dumps(body)
        response = getattr(self.client, method.lower())(f"/scim/v2/{path.lstrip('/')}", **kwargs)
        response.json_body = json.loads(response.content) if response.content else None
        return response

    def create_user(self, email="new.teacher@sd.example", **extra):
        body = {
            "schemas": [USER_SCHEMA, ENTERPRISE],
            "userName": email,
            "externalId": extra.pop("externalId", email.split("@")[0]),
            "active": True,
            "name": {"givenName": "Nora", "familyName": "Newton"},
            "displayName": "Nora Newton",
            "emails": [{"value": email, "type": "work", "primary": True}],
            ENTERPRISE: {"employeeNumber": "E-1001"},
            **extra,
        }
        return self("POST", "Users", body)

    def create_group(self, name="Ridgeview staff", members=()):
        body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": [{"value": m} for m in members]}
        return self("POST", "Groups", body)

    def patch(self, path, *operations, headers=None):
        return self("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}, headers=headers)


@pytest.fixture
def scim(client, token):
    return Scim(client, token)
