from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    """The student media consent roster (AP 1311 §1.3.6, Appendix 1201 C): who may appear in a post."""

    name = "consent"
    verbose_name = _("Student media consent")

    def ready(self):
        from audit.humanize import register_value_labels

        from .models import USE_FIELDS, Consent

        # The audit trail shows recorded answers (consent.recorded) as words, in the reader's language.
        for use in USE_FIELDS:
            register_value_labels(use, dict(Consent.choices))
