"""What the registry tells the apps above it (they may import it; it never imports them).

`access_withdrawn` is sent by `services.withdraw_access`, once per unit, after it changed that unit's
accounts and before it tells the unit's approvers: `user`, `org_unit`, `rows` ([{"entry", "changes",
"trigger"}]), `actor`. A receiver that tells them itself, with these rows, returns True, and the registry
sends nothing (issue 15: one message per departure, not two; offboarding/receivers.py opens the case and
says it all).
"""

from django.dispatch import Signal

access_withdrawn = Signal()
