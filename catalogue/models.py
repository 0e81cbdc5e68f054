"""The district's catalogue of online applications, approved or not (AP 1311 §1.4.7).

It sits low in the layers so that account requests (approvals) and the registry both use it
without importing each other.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(is_approved=True)


class Platform(models.Model):
    """An online application the district has (or has not) approved for professional use (§1.4.7).

    What staff read about it is data in two languages (issue 17): `rules` and `rules_fr`, shown through
    `core.i18n.localized(platform, "rules")` (the English when the French is blank).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_approved = models.BooleanField(
        _("approved by the district"),
        default=True,
        help_text=_("Only approved platforms can be requested (§1.4.7)."),
    )
    rules_url = models.URLField(
        _("platform rules"), blank=True, help_text=_("Terms of use staff must understand first (§1.3.4).")
    )
    rules = models.TextField(
        _("rules staff must know"),
        blank=True,
        help_text=_("What staff must understand of the platform's terms of use before using it (§1.3.4), in English."),
    )
    rules_fr = models.TextField(
        _("rules staff must know (French)"),
        blank=True,
        help_text=_("The same rules in French; the English is shown when this is blank."),
    )
    supports_comments_off = models.BooleanField(_("comments can be turned off"), default=True)
    notes = models.TextField(_("notes"), blank=True, help_text=_("For district admins only."))

    objects = PlatformQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The model moved here from registry; its table kept its name (see migrations/0001).
        db_table = "registry_platform"
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name
