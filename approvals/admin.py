from django.contrib import admin

from core.admin import ReadOnlyInline

from .models import AccountRequest, Acknowledgement


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    readonly_fields = ["statement", "statement_version", "acknowledged_by", "acknowledged_at"]


@admin.register(AccountRequest)
class AccountRequestAdmin(admin.ModelAdmin):
    """Read-only here: decisions go through the portal's workflow so they are audited (§1.4.6)."""

    list_display = ["title", "requester", "org_unit", "platform", "status", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["status", "org_unit", "platform", "network", "comment_setting", "school_based"]
    search_fields = ["title", "requester__email", "account_email", "description"]
    date_hierarchy = "created_at"
    list_select_related = ["requester", "org_unit", "platform", "decided_by"]
    inlines = [AcknowledgementInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
