"""The navigation bar's menus, cached per person (issue 19).

base.html wraps `includes/nav_menus.html` in `{% cache %}`, keyed by the person, their district
flags, the active language, the page's namespace and name (the highlighted item) and `version(user)`.
Rendering the menus costs a query or two (is the person an approver? a member of a unit?) and some
twenty URL reversals on every page; served from the cache it costs two cache reads.

What the menus show changes with a person's memberships: saving or deleting a Membership drops the
person's version (accounts.signals), so their next page renders the menus afresh. Memberships written
without signals (bulk inserts, queryset updates) are caught by the fragment's lifetime, NAV_TTL: at
worst a menu is ten minutes late. The district flags (district admin, communications manager) are
part of the key itself.
"""

import time

from django.core.cache import cache

NAV_TTL = 600  # seconds a rendered menu is kept (base.html)
_VERSION_TTL = 24 * 3600


def _key(user_id: int) -> str:
    return f"nav-version:{user_id}"


def version(user_id: int) -> str:
    """The person's current menu version (made on first use)."""
    value = cache.get(_key(user_id))
    if value is None:
        value = str(time.time_ns())
        cache.set(_key(user_id), value, _VERSION_TTL)
    return value


def invalidate(user_id: int) -> None:
    """The person's menus changed: their next page renders them afresh."""
    cache.delete(_key(user_id))
