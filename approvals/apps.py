from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Account requests and approvals"

    def ready(self):
        from audit.humanize import register_value_labels

        from .acknowledgements import STATEMENTS

        # The audit trail shows recorded acknowledgements (§1.2.3) by their wording, not their codes.
        register_value_labels("acknowledgements", {s.code: f"{s.clause} {s.text}" for s in STATEMENTS})
