"""Moderation check-ins (AP 1311 §1.4.3): the owner or a co-admin confirms they checked the comments.

A check-in covers one period: a district-local day when comments are on, a week when they are
moderated. A period that ended without a check-in is recorded as missed by the morning sweep;
missed periods escalate to the unit's approvers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckIn(models.Model):
    class Via(models.TextChoices):
        PORTAL = "portal", _("Portal")
        EMAIL = "email", _("One-click e-mail link")

    entry = models.ForeignKey(
        "registry.RegistryEntry", verbose_name=_("account"), on_delete=models.PROTECT, related_name="checkins"
    )
    period_start = models.DateField(
        _("period start"), help_text=_("The day (comments on) or the Monday of the week (moderated).")
    )
    comment_setting = models.CharField(
        _("comment setting"), max_length=10, help_text=_("The account's comment setting at the time.")
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.PORTAL)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("moderation check-in")
        constraints = [models.UniqueConstraint(fields=["entry", "period_start"], name="checkin_once_per_period")]

    def __str__(self):
        return f"{self.entry} checked {self.period_start}"


class MissedCheckIn(models.Model):
    entry = models.ForeignKey(
        "registry.RegistryEntry", verbose_name=_("account"), on_delete=models.PROTECT, related_name="missed_checkins"
    )
    period_start = models.DateField(_("period start"))
    comment_setting = models.CharField(_("comment setting"), max_length=10)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("missed check-in")
        constraints = [models.UniqueConstraint(fields=["entry", "period_start"], name="missed_once_per_period")]
        indexes = [models.Index(fields=["period_start"])]

    def __str__(self):
        return f"{self.entry} missed {self.period_start}"
