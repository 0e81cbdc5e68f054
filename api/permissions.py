"""Which scope each endpoint needs. A token without it gets 403; objects outside its units are
simply absent from its querysets, so asking for one is a 404."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import ApiToken


class HasToken(BasePermission):
    """Any usable token (units and platforms: the catalogue every integration needs)."""

    message = _("This endpoint needs an API token.")

    def has_permission(self, request, view):
        return isinstance(request.auth, ApiToken)


def needs_scope(*scopes: str) -> type[BasePermission]:
    class HasScope(HasToken):
        @property
        def message(self):  # in the request's language (issue 17)
            if len(scopes) == 1:
                return gettext("This token lacks the scope %(scope)s.") % {"scope": scopes[0]}
            return gettext("This token lacks the scope %(scopes)s or %(last)s.") % {
                "scopes": ", ".join(scopes[:-1]),
                "last": scopes[-1],
            }

        def has_permission(self, request, view):
            return super().has_permission(request, view) and request.auth.has_scope(*scopes)

    HasScope.__name__ = "HasScope_" + "_".join(s.replace(":", "_") for s in scopes)
    return HasScope
