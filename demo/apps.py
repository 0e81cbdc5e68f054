from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district (seed_demo) and the district-scale data set for benchmarks (seed_scale).
    Top layer: it builds data through every app's services."""

    name = "demo"
    verbose_name = "Demo district"
