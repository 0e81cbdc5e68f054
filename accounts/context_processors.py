from . import navcache
from .selectors import is_approver


def roles(request):
    """Role flags for navigation; evaluated lazily so anonymous pages cost no query."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"user_is_approver": lambda: is_approver(user), "nav_version": lambda: navcache.version(user.pk)}
