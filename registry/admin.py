"""Django admin for the registry.

Platforms are managed in the catalogue app's admin (§1.4.7). Registry entries and their history are
read-only here: every change goes through the portal's services, which check the rules and write
the audit trail. The password column is never shown, only whether one is recorded; nothing is deleted.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import EnforcementAction, PasswordChange, RegistryEntry, SiteReview


class PasswordChangeInline(ReadOnlyInline):
    model = PasswordChange
    fields = ["changed_at", "changed_by", "reason"]
    readonly_fields = fields


class SiteReviewInline(ReadOnlyInline):
    model = SiteReview
    fields = ["reviewed_at", "reviewed_by", "outcome", "note"]
    readonly_fields = fields


class EnforcementInline(ReadOnlyInline):
    model = EnforcementAction
    fields = ["created_at", "actor", "kind", "reason"]
    readonly_fields = fields


class OverdueFilter(admin.SimpleListFilter):
    title = _("site review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(status=RegistryEntry.Status.ACTIVE, next_review_due__lt=timezone.localdate())
        return queryset


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "handle",
        "platform",
        "org_unit",
        "owner",
        "login_username",
        "status",
        "privacy",
        "comment_setting",
        "next_review_due",
        "needs_password_rotation",
        "needs_new_owner",
        "password_recorded",
    ]
    list_filter = [
        "status",
        OverdueFilter,
        "needs_password_rotation",
        "needs_new_owner",
        "privacy",
        "comment_setting",
        "platform",
        "org_unit",
    ]
    search_fields = ["handle", "name", "url", "login_username", "login_email", "owner__email"]
    list_select_related = ["platform", "org_unit", "owner"]
    # The encrypted column is never listed as a field: only "recorded or not".
    fields = [
        "name",
        "platform",
        "handle",
        "url",
        "org_unit",
        "owner",
        "co_admins",
        "request",
        "login_username",
        "login_email",
        "recovery_email",
        "password_recorded",
        "password_changed_at",
        "privacy",
        "comment_setting",
        "status",
        "status_changed_at",
        "review_cadence_days",
        "last_reviewed_at",
        "next_review_due",
        "decommission_requested_at",
        "needs_password_rotation",
        "needs_new_owner",
        "registered_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [EnforcementInline, SiteReviewInline, PasswordChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("password")

    @admin.display(boolean=True, description=_("password recorded"))
    def password_recorded(self, obj):
        return obj.password_changed_at is not None


@admin.register(PasswordChange)
class PasswordChangeAdmin(ReadOnlyAdmin):
    list_display = ["entry", "changed_at", "changed_by", "reason"]
    list_filter = ["reason"]
    search_fields = ["entry__handle", "changed_by__email"]
    list_select_related = ["entry__platform", "changed_by"]


@admin.register(SiteReview)
class SiteReviewAdmin(ReadOnlyAdmin):
    list_display = ["entry", "reviewed_at", "reviewed_by", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["entry__handle", "reviewed_by__email", "note"]
    list_select_related = ["entry__platform", "reviewed_by"]


@admin.register(EnforcementAction)
class EnforcementActionAdmin(ReadOnlyAdmin):
    list_display = ["entry", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    search_fields = ["entry__handle", "actor__email", "reason"]
    list_select_related = ["entry__platform", "actor"]
