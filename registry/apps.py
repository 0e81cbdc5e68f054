from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Account registry")

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the system check and signal receivers)
