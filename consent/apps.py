from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    """The student media consent roster (AP 1311 §1.3.6, Appendix 1201 C): who may appear in a post."""

    name = "consent"
    verbose_name = _("Student media consent")
