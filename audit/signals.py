"""Signals of the audit trail, for apps above it that react to what happened (the API's webhooks).

`event_recorded` is sent by `audit.services.record_event` right after the event is written, inside
the caller's transaction: a receiver that writes rows (an outbox) commits or rolls back with it.
Receivers must not do slow work here (no network): queue it with `transaction.on_commit`.
"""

from django.dispatch import Signal

# Arguments: event (the AuditEvent just written).
event_recorded = Signal()
