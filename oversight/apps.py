from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """What reads across apps: each person's home page, the district dashboard and the per-unit
    compliance reports. It sits at the top of the layers: it may read every app; none reads it."""

    name = "oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from approvals.models import AccountRequest, Acknowledgement
        from audit.signals import event_recorded
        from moderation.models import CheckIn, MissedCheckIn
        from notifications.models import SweepRun
        from registry.models import RegistryEntry

        from . import rollups

        # The dashboard's rollup is marked out of date by whatever changes what it counts (rollups.py).
        event_recorded.connect(rollups.on_audit_event, dispatch_uid="oversight.rollup.event")
        for model, receiver in (
            (RegistryEntry, rollups.on_entry_saved),
            (AccountRequest, rollups.on_request_saved),
            (CheckIn, rollups.on_checkin_saved),
            (MissedCheckIn, rollups.on_checkin_saved),
            (Acknowledgement, rollups.on_acknowledgement_saved),
        ):
            post_save.connect(receiver, sender=model, dispatch_uid=f"oversight.rollup.save.{model.__name__}")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"oversight.rollup.delete.{model.__name__}")
        post_save.connect(rollups.on_sweep_run, sender=SweepRun, dispatch_uid="oversight.rollup.sweep")
