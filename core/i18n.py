"""Languages (issue 17): what the rest of the portal asks about them."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import translation

# When this process loaded the compiled catalogs: the JavaScript catalog's Last-Modified.
CATALOG_BUILT_AT = datetime.now(UTC)


def language_of(user) -> str:
    """The language to write to `user` in (e-mails, reminders): their choice, else the district's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def override_for(user):
    """`with override_for(user):` renders text in `user`'s language, whatever the request's."""
    return translation.override(language_of(user))


def localized(obj, field: str) -> str:
    """Text that is data, in the reader's language: `obj.<field>_fr` while French is active and the
    district has written it, else `obj.<field>` (policy statements, platform rules; edited in the admin)."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language != "en":
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return translated
    return getattr(obj, field)
