"""Receivers of other apps' signals (connected in ApiConfig.ready)."""

from .scopes import EVENT_FOR_ACTION


def queue_webhook_deliveries(sender, event, **kwargs):
    """An audit event was written: webhook deliveries for it join the same transaction (outbox).
    Most actions raise no webhook event and cost nothing here."""
    event_name = EVENT_FOR_ACTION.get(event.action)
    if event_name is None:
        return
    from .services import create_deliveries

    create_deliveries(audit_event=event, event_name=event_name)
