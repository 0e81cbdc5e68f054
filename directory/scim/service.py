"""What the portal's SCIM service announces (RFC 7643 §5-§7) and how a request is served."""

from __future__ import annotations

import logging
from functools import lru_cache

from django.db import transaction
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Mutability,
    Pagination,
    Patch,
    ResourceType,
    Schema,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    User,
)
from scim2_server.applications.base import BaseApplication
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService

from ..services import tokens
from .storage import PortalStorage

MAX_RESULTS = 200
# SCIM protocol text, read by identity providers: English by design (not translated).
SCHEME_DESCRIPTION = "A token a district admin issues for one directory connection in the portal's admin."

logger = logging.getLogger(__name__)


# What the portal reads and returns of each schema (directory/scim/storage.py: `_person`, `user_resource`,
# `group_resource`), announced on /Schemas instead of RFC 7643's full User: an identity provider (or
# scim2-tester) then sends no PATCH on attributes the portal would drop. {attribute: sub-attributes};
# the sub-attributes the portal derives and never reads are read-only.
SUPPORTED_ATTRIBUTES: dict[str, dict[str, set[str]]] = {
    str(User.__schema__): {
        "userName": set(),
        "name": {"givenName", "familyName", "formatted"},
        "displayName": set(),
        "active": set(),
        "emails": {"value", "type", "primary"},
        "groups": {"value", "$ref", "display"},
    },
    str(EnterpriseUser.__schema__): {"employeeNumber": set()},
    str(Group.__schema__): {"displayName": set(), "members": {"value", "$ref", "type", "display"}},
}
READ_ONLY = {
    (str(User.__schema__), "name", "formatted"),  # made of givenName and familyName
    (str(Group.__schema__), "members", "display"),  # the member's e-mail, from their record
}


def supported_schema(model) -> Schema:
    """`model`'s RFC 7643 schema cut down to SUPPORTED_ATTRIBUTES, with the mutability the portal implements."""
    schema = model.to_schema()
    wanted = SUPPORTED_ATTRIBUTES[str(schema.id)]
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in wanted:
            continue
        subs = [s for s in attribute.sub_attributes or [] if s.name in wanted[attribute.name]]
        for sub_attribute in subs:
            if (str(schema.id), attribute.name, sub_attribute.name) in READ_ONLY:
                sub_attribute.mutability = Mutability.read_only
        attribute.sub_attributes = subs or None
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


class PortalProvider(ScimProvider):
    @property
    def schemas(self) -> tuple[Schema, ...]:
        return tuple(supported_schema(model) for model in self.models)


@lru_cache(maxsize=1)
def provider() -> ScimProvider:
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        pagination=Pagination(index=True, cursor=False, default_page_size=100, max_page_size=MAX_RESULTS),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description=SCHEME_DESCRIPTION,
                primary=True,
            )
        ],
    )
    return PortalProvider(
        models=[User, EnterpriseUser, Group],
        resource_types=[ResourceType.from_resource(User[EnterpriseUser]), ResourceType.from_resource(Group)],
        config=config,
    )


class PortalScimApplication(BaseApplication):
    """scim2-server's framework-free application, served by a Django view (directory.scim.views).

    Every request, the discovery endpoints included, needs a connection's bearer token; each is one
    database transaction, so a refused request changes nothing.
    """

    def serve(self, request: ScimRequest) -> ScimResponse:
        try:
            connection = self.authenticate(request)
            request.subject = connection
            with transaction.atomic():
                response = ScimHandler(self.service, PortalStorage(connection)).handle(request)
        except Exception as exception:  # noqa: BLE001  (scim2-server turns any error into a SCIM error body)
            response = self.handle_exception(request, exception)
        return self.finalize_response(request, response)

    @staticmethod
    def authenticate(request: ScimRequest):
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        connection = tokens.authenticate(token.strip()) if scheme.lower() == "bearer" else None
        if connection is None:
            raise UnauthorizedException(detail="A valid bearer token of an active directory connection is required.")
        return connection


@lru_cache(maxsize=1)
def application() -> PortalScimApplication:
    return PortalScimApplication(provider(), ScimService(provider()))
