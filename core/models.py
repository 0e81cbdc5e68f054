from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """One use of a one-time form token (core.once): the first POST that carried it, and where its
    answer sent the user. The unique token is what makes a second, identical POST harmless, across
    web processes and whether Redis is up or not."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    # A plain id, not a foreign key: core sits below accounts and knows nothing of users.
    user_id = models.BigIntegerField(_("user ID"), null=True, blank=True)
    view = models.CharField(_("view"), max_length=200, help_text=_("The view that handled the first submission."))
    target = models.CharField(
        _("target"), max_length=500, blank=True, help_text=_("Where the first submission was sent.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.view} → {self.target or '(in progress)'}"
