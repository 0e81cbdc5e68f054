from django.apps import AppConfig


class OversightConfig(AppConfig):
    """What reads across apps: each person's home page, the district dashboard and the per-unit
    compliance reports. It sits at the top of the layers: it may read every app; none reads it."""

    name = "oversight"
    verbose_name = "Oversight"
