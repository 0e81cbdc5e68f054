from django.contrib import admin

from .models import CaseItem, OffboardingCase


class CaseItemInline(admin.TabularInline):
    model = CaseItem
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "entry", "account_request", "done_at", "done_by", "done_how"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OffboardingCase)
class OffboardingCaseAdmin(admin.ModelAdmin):
    """Read-only: cases open and close through the services (every change audited)."""

    list_display = ["person", "org_unit", "trigger", "opened_at", "closed_at"]
    list_filter = ["trigger", "closed_at"]
    search_fields = ["person__email", "org_unit__name"]
    readonly_fields = ["person", "org_unit", "trigger", "opened_at", "closed_at"]
    inlines = [CaseItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
