"""The audit trail: an append-only record of who did what to which object, when and from where.

Rows can be inserted, never changed or deleted: the model and its queryset refuse it, the admin
is read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE on the table itself.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.indexes import TrigramSearchIndex


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def for_object(self, obj):
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=str(obj.pk))


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60, db_index=True, help_text=_("e.g. request.approved"))
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT
    )
    target_id = models.CharField(_("target ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=255, blank=True)
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_ip = models.GenericIPAddressField(_("source IP address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, help_text=_("Never holds secrets."))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["org_unit", "-created_at"]),
            # "Object" filter of the audit trail: substring search over millions of events.
            TrigramSearchIndex("target_repr", name="audit_target_search_trgm"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
