"""The district's catalogue of online applications, approved or not (AP 1311 §1.4.7).

It sits low in the layers so that account requests (approvals) and the registry both use it
without importing each other.
"""

from django.db import models


class PlatformQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(is_approved=True)


class Platform(models.Model):
    """An online application the district has (or has not) approved for professional use (§1.4.7)."""

    name = models.CharField(max_length=100, unique=True)
    is_approved = models.BooleanField(
        "approved by the district", default=True, help_text="Only approved platforms can be requested (§1.4.7)."
    )
    rules_url = models.URLField(
        "platform rules", blank=True, help_text="Terms of use staff must understand first (§1.3.4)."
    )
    supports_comments_off = models.BooleanField("comments can be turned off", default=True)
    notes = models.TextField(blank=True)

    objects = PlatformQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        # The model moved here from registry; its table kept its name (see migrations/0001).
        db_table = "registry_platform"

    def __str__(self):
        return self.name
