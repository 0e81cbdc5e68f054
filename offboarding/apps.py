from django.apps import AppConfig


class OffboardingConfig(AppConfig):
    """Offboarding cases (issue 15): when a person leaves a unit, its approvers get the list of what their
    leaving left undone (new owners, new passwords, pending requests), until every item is done."""

    name = "offboarding"
    verbose_name = "Offboarding"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the signal receivers)
