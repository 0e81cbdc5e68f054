"""System checks: the registry cannot keep credentials without encryption keys."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def credential_keys_configured(app_configs=None, **kwargs):
    if getattr(settings, "CREDENTIAL_ENCRYPTION_KEYS", None):
        return []
    return [
        Error(
            "CREDENTIAL_ENCRYPTION_KEYS is not set: account passwords cannot be stored or revealed.",
            hint="Set it to one or more Fernet keys, newest first (see SECURITY.md, 'Encryption keys').",
            id="registry.E001",
        )
    ]
