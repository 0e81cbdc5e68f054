from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The portal's smallest shared pieces, below every other app: the domain error, the id path
    converter, CSV responses and text helpers. It knows nothing of the district's rules."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.conf import settings

        from . import converters  # noqa: F401  (registers the <id:...> path converter)

        for folder in getattr(settings, "RUNTIME_DIRS", []):
            folder.mkdir(parents=True, exist_ok=True)
