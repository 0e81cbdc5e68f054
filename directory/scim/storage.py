"""The portal's side of SCIM 2.0: scim2-server's storage interface over our models.

scim2-server does the protocol (routing, validation with scim2-models, PATCH applied to the resource,
ETags and If-Match, pagination, errors with their scimType); this storage reads and writes one
connection's DirectoryUser / DirectoryGroup rows, and every write goes through
`directory.services.provisioning`. Filters are turned into Django queries by scim2-filter-parser's
transpiler over the attribute map below (the grammar is the library's, not ours).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from scim2_filter_parser.parser import SCIMParserError
from scim2_filter_parser.transpilers.django_q_object import get_query
from scim2_models import (
    Email,
    EnterpriseUser,
    Group,
    GroupMember,
    GroupMembership,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    Name,
    NotFoundException,
    NotImplementedException,
    PreconditionFailedException,
    Resource,
    ResourceType,
    SearchRequest,
    UniquenessException,
    User,
)
from scim2_server.storage import ScimStorage, SearchPage

from ..models import DirectoryConnection, DirectoryGroup, DirectoryUser
from ..services import DirectoryError, provisioning

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PortalUser = User[EnterpriseUser]

USER_ATTRIBUTES = {
    ("userName", None, None): "user__email",
    ("id", None, None): "scim_id",
    ("externalId", None, None): "external_id",
    ("displayName", None, None): "display_name",
    ("active", None, None): "user__is_active",
    ("name", "givenName", None): "user__first_name",
    ("name", "familyName", None): "user__last_name",
    ("emails", None, None): "user__email",
    ("emails", "value", None): "user__email",
    ("employeeNumber", None, ENTERPRISE): "employee_number",
    ("meta", "created", None): "created_at",
    ("meta", "lastModified", None): "updated_at",
}
GROUP_ATTRIBUTES = {
    ("displayName", None, None): "display_name",
    ("id", None, None): "scim_id",
    ("externalId", None, None): "external_id",
    ("members", None, None): "members__scim_id",
    ("members", "value", None): "members__scim_id",
    ("meta", "created", None): "created_at",
    ("meta", "lastModified", None): "updated_at",
}


def _version(*parts: Any) -> str:
    """A weak ETag computed from what the resource shows, so any change (by SCIM, by hand, by an import)
    changes it and nothing else does (RFC 7644 §3.14)."""
    # Sorted keys: PostgreSQL's jsonb does not keep the order the e-mails' keys were written in.
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _scim_error(error: DirectoryError) -> Exception:
    if error.kind == "conflict":
        return UniquenessException(detail=str(error))
    if error.kind == "not_found":
        return InvalidValueException(detail=str(error))
    return InvalidValueException(detail=str(error))


class PortalStorage(ScimStorage):
    """The resources of one directory connection (another connection's are not found)."""

    def __init__(self, connection: DirectoryConnection):
        self.connection = connection

    def operation(self):
        # One savepoint per SCIM operation: a refused change leaves nothing behind.
        return transaction.atomic()

    # -- reading ------------------------------------------------------------------------------------------------

    def _users(self) -> QuerySet[DirectoryUser]:
        return DirectoryUser.objects.filter(connection=self.connection).select_related("user")

    def _groups(self) -> QuerySet[DirectoryGroup]:
        return DirectoryGroup.objects.filter(connection=self.connection)

    def _find(self, queryset: QuerySet, resource_id: str, *, lock: bool = False):
        try:
            if lock:
                queryset = queryset.select_for_update(of=("self",))
            return queryset.get(scim_id=resource_id)
        except (ValidationError, ValueError, queryset.model.DoesNotExist) as error:
            raise NotFoundException(detail=f"No resource with id {resource_id!r}") from error

    def get(self, resource_type: ResourceType, resource_id: str, *, response_parameters=None) -> Resource[Any]:
        if resource_type.name == "User":
            return self.user_resource(self._find(self._users(), resource_id))
        return self.group_resource(self._find(self._groups(), resource_id))

    def search(
        self, resource_types: list[ResourceType], search_request: SearchRequest[Any], *, position: Any = None
    ) -> SearchPage:
        if len(resource_types) != 1:
            raise NotImplementedException(detail="Search one endpoint at a time: /Users or /Groups.")
        is_user = resource_types[0].name == "User"
        queryset = (
            self._users().prefetch_related("groups") if is_user else self._groups().prefetch_related("members__user")
        )
        if search_request.filter is not None:
            queryset = queryset.filter(
                self._query(str(search_request.filter), USER_ATTRIBUTES if is_user else GROUP_ATTRIBUTES)
            )
            queryset = queryset.distinct()
        queryset = queryset.order_by("created_at", "pk")
        try:
            total = queryset.count()
            start = (search_request.start_index or 1) - 1
            count = search_request.count if search_request.count is not None else total
            rows = list(queryset[start : start + count]) if count > 0 else []
        except ValidationError as error:  # a malformed id in the filter matches nothing
            raise InvalidFilterException(detail=str(error)) from error
        resources = [self.user_resource(r) if is_user else self.group_resource(r) for r in rows]
        return SearchPage(total=total, resources=resources)

    @staticmethod
    def _query(expression: str, attributes: dict) -> Q:
        try:
            query = get_query(expression, attributes)
        except (SCIMParserError, ValueError, NotImplementedError, AttributeError, TypeError) as error:
            raise InvalidFilterException(detail=f"Cannot evaluate the filter: {error}") from error
        # Attributes we do not keep match nothing (RFC 7644 §3.4.2.1), rather than being ignored.
        return query if query is not None else Q(pk__in=[])

    # -- writing ------------------------------------------------------------------------------------------------

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        try:
            if resource_type.name == "User":
                record = provisioning.provision_user(connection=self.connection, person=self._person(resource))
                return self.user_resource(record)
            group = provisioning.create_group(
                connection=self.connection,
                display_name=resource.display_name or "",
                external_id=resource.external_id or "",
                members=self._members(resource),
            )
            return self.group_resource(group)
        except DirectoryError as error:
            raise _scim_error(error) from error

    def update(
        self, resource_type: ResourceType, resource: Resource[Any], *, expected_version: str | None = None
    ) -> Resource[Any]:
        try:
            if resource_type.name == "User":
                record = self._find(self._users(), resource.id, lock=True)
                self._check_version(self.user_resource(record), expected_version)
                record = provisioning.update_user(
                    connection=self.connection, record=record, person=self._person(resource)
                )
                return self.user_resource(DirectoryUser.objects.select_related("user").get(pk=record.pk))
            group = self._find(self._groups(), resource.id, lock=True)
            self._check_version(self.group_resource(group), expected_version)
            group = provisioning.update_group(
                connection=self.connection,
                group=group,
                display_name=resource.display_name or "",
                external_id=resource.external_id or "",
                members=self._members(resource),
            )
            return self.group_resource(DirectoryGroup.objects.get(pk=group.pk))
        except DirectoryError as error:
            raise _scim_error(error) from error

    def delete(self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None) -> None:
        if resource_type.name == "User":
            record = self._find(self._users(), resource_id, lock=True)
            self._check_version(self.user_resource(record), expected_version)
            provisioning.remove_user(connection=self.connection, record=record)
            return
        group = self._find(self._groups(), resource_id, lock=True)
        self._check_version(self.group_resource(group), expected_version)
        provisioning.delete_group(connection=self.connection, group=group)

    @staticmethod
    def _check_version(current: Resource[Any], expected: str | None) -> None:
        if expected is not None and current.meta.version != expected:
            raise PreconditionFailedException(detail="The resource changed since that version (If-Match).")

    # -- between resources and models ---------------------------------------------------------------------------

    @staticmethod
    def _person(resource: Resource[Any]) -> provisioning.Person:
        name = resource.name
        enterprise = resource[EnterpriseUser]
        emails = [
            {"value": str(e.value), "type": str(getattr(e.type, "value", e.type) or ""), "primary": bool(e.primary)}
            for e in (resource.emails or [])
            if e.value
        ]
        return provisioning.Person(
            email=resource.user_name or "",
            given_name=(name.given_name if name else "") or "",
            family_name=(name.family_name if name else "") or "",
            display_name=resource.display_name or "",
            active=True if resource.active is None else bool(resource.active),
            external_id=resource.external_id or "",
            employee_number=(enterprise.employee_number if enterprise else "") or "",
            emails=emails,
        )

    def _members(self, resource: Resource[Any]) -> list[DirectoryUser]:
        ids = {str(m.value) for m in (resource.members or []) if m.value}
        if not ids:
            return []
        try:
            found = list(self._users().filter(scim_id__in=ids))
        except ValidationError as error:
            raise InvalidValueException(detail="A member's value is not a user id of this service.") from error
        if len(found) != len(ids):
            raise InvalidValueException(detail="Some members are not users of this connection.")
        return found

    def user_resource(self, record: DirectoryUser) -> Resource[Any]:
        user = record.user
        groups = sorted(record.groups.all(), key=lambda g: g.display_name)
        emails = record.emails or [{"value": user.email, "type": "work", "primary": True}]
        resource = PortalUser(
            id=str(record.scim_id),
            external_id=record.external_id or None,
            user_name=user.email,
            display_name=record.display_name or user.get_full_name() or None,
            name=Name(
                given_name=user.first_name or None,
                family_name=user.last_name or None,
                formatted=user.get_full_name() or None,
            ),
            active=user.is_active,
            emails=[
                Email(value=e["value"], type=e.get("type") or None, primary=e.get("primary") or None) for e in emails
            ],
            groups=[
                GroupMembership(value=str(g.scim_id), display=g.display_name, ref=f"Groups/{g.scim_id}") for g in groups
            ]
            or None,
        )
        if record.employee_number:
            resource[EnterpriseUser] = EnterpriseUser(employee_number=record.employee_number)
        resource.meta = Meta(
            resource_type="User",
            created=record.created_at,
            last_modified=record.updated_at,
            version=_version(
                user.email,
                user.first_name,
                user.last_name,
                user.is_active,
                record.external_id,
                record.employee_number,
                record.display_name,
                record.emails,
                [g.pk for g in groups],
            ),
        )
        return resource

    def group_resource(self, group: DirectoryGroup) -> Resource[Any]:
        members = sorted(group.members.all(), key=lambda m: m.pk)
        resource = Group(
            id=str(group.scim_id),
            external_id=group.external_id or None,
            display_name=group.display_name,
            members=[
                GroupMember(value=str(m.scim_id), display=m.user.email, ref=f"Users/{m.scim_id}", type="User")
                for m in members
            ]
            or None,
        )
        resource.meta = Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            version=_version(group.display_name, group.external_id, [m.pk for m in members]),
        )
        return resource
