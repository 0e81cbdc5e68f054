from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Account registry"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers the system check and signal receivers)
