from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (nobody can add, change or delete from the admin)."""

    list_display = ["created_at", "action", "actor", "target_repr", "org_unit", "source_ip"]
    list_filter = ["action", "org_unit", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["action", "target_repr", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "org_unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
