from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The portal's API for the district's other systems (issue 16): read endpoints over REST for
    tokens, the public "official account?" verification, and signed webhooks. The top layer: it
    reads every app through that app's selectors; no app imports it."""

    name = "api"
    verbose_name = "API: tokens and webhooks"

    def ready(self):
        from audit.signals import event_recorded

        from . import receivers

        event_recorded.connect(receivers.queue_webhook_deliveries, dispatch_uid="api.queue_webhook_deliveries")
