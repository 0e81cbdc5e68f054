from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the trail is append-only (nobody can add, change or delete from the admin)."""

    list_display = ["created_at", "action", "actor", "target_repr", "org_unit", "source_ip"]
    list_filter = ["action", "org_unit", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "target_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "org_unit"]
