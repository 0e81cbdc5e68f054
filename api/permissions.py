"""Which scope each endpoint needs. A token without it gets 403; objects outside its units are
simply absent from its querysets, so asking for one is a 404."""

from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasToken(BasePermission):
    """Any usable token (units and platforms: the catalogue every integration needs)."""

    message = "This endpoint needs an API token."

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


def needs_scope(*scopes: str) -> type[BasePermission]:
    class HasScope(HasToken):
        message = f"This token lacks the scope {' or '.join(scopes)}."

        def has_permission(self, request, view):
            return super().has_permission(request, view) and request.auth.has_scope(*scopes)

    HasScope.__name__ = "HasScope_" + "_".join(s.replace(":", "_") for s in scopes)
    return HasScope
