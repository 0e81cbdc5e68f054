from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Account requests and approvals")

    def ready(self):
        from django.db.models.signals import post_save

        from audit.humanize import forget_value_labels, register_value_labels

        from .acknowledgements import active_statements
        from .models import PolicyVersion

        # The audit trail shows recorded acknowledgements (§1.2.3) by their wording, not their codes. The
        # statements are policy versions in the database: read when first needed, never at start-up.
        register_value_labels(
            "acknowledgements", lambda: {s.code: f"{s.clause} {s.wording}" for s in active_statements()}
        )
        post_save.connect(
            lambda **kwargs: forget_value_labels("acknowledgements"),
            sender=PolicyVersion,
            dispatch_uid="approvals.forget_acknowledgement_labels",
            weak=False,
        )
