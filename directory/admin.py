"""District admins connect the directory here: connections, their tokens (issued and shown once,
revoked), the groups the directory pushed and what each group maps to (a unit's staff or approvers).
What the directory provisioned is shown, never edited: the directory is the source of truth."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from core.errors import DomainError

from .models import (
    ConnectionToken,
    DirectoryConnection,
    DirectoryGroup,
    DirectoryImport,
    DirectoryUser,
    ExternalOrg,
    GroupMapping,
    ManagedMembership,
)
from .services import provisioning, tokens


class ConnectionTokenInline(ReadOnlyInline):
    model = ConnectionToken
    fields = ["prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = fields


@admin.register(DirectoryConnection)
class DirectoryConnectionAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "is_active", "active_tokens", "created_at"]
    list_filter = ["provider", "is_active"]
    readonly_fields = ["scim_base_url", "created_at"]
    fields = ["name", "provider", "is_active", "notes", "scim_base_url", "created_at"]
    inlines = [ConnectionTokenInline]
    change_form_template = "directory/admin/connection_change_form.html"

    @admin.display(description=_("active tokens"))
    def active_tokens(self, obj):
        return obj.tokens.filter(revoked_at__isnull=True).count()

    @admin.display(description=_("SCIM base URL (tenant URL)"))
    def scim_base_url(self, obj):
        return self._request.build_absolute_uri(reverse("scim:root")) if hasattr(self, "_request") else "/scim/v2/"

    def get_form(self, request, obj=None, **kwargs):
        self._request = request
        return super().get_form(request, obj, **kwargs)

    def has_delete_permission(self, request, obj=None):
        # A connection's history (what it provisioned, its tokens) stays: deactivate it instead.
        return False

    def get_urls(self):
        return [
            path(
                "<id:pk>/issue-token/",
                self.admin_site.admin_view(self.issue_token_view),
                name="directory_directoryconnection_issue_token",
            )
        ] + super().get_urls()

    def issue_token_view(self, request, pk):
        """GET: what issuing means; POST: issue one token and show its plaintext once (never stored)."""
        connection = get_object_or_404(DirectoryConnection, pk=pk)
        if not (request.user.is_district_admin and self.has_change_permission(request, connection)):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "connection": connection}
        if request.method == "POST":
            token, plaintext = tokens.issue_token(actor=request.user, connection=connection)
            context.update(
                token=token, plaintext=plaintext, scim_base_url=request.build_absolute_uri(reverse("scim:root"))
            )
            response = TemplateResponse(request, "directory/admin/token_issued.html", context)
            response["Cache-Control"] = "no-store, max-age=0"
            return response
        return TemplateResponse(request, "directory/admin/issue_token.html", context)


@admin.register(ConnectionToken)
class ConnectionTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "connection", "created_at", "created_by", "last_used_at", "revoked_at"]
    list_filter = ["connection", ("revoked_at", admin.EmptyFieldListFilter)]
    fields = ["connection", "prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens (the directory can no longer use them)"))
    def revoke(self, request, queryset):
        if not request.user.is_district_admin:
            raise PermissionDenied
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke_token(actor=request.user, token=token)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} token{'s' if revoked != 1 else ''}.", messages.SUCCESS)


@admin.register(DirectoryUser)
class DirectoryUserAdmin(ReadOnlyAdmin):
    list_display = ["user", "connection", "external_id", "employee_number", "is_active", "updated_at"]
    list_filter = ["connection", "user__is_active"]
    search_fields = ["user__email", "external_id", "employee_number"]
    list_select_related = ["user", "connection"]
    fields = [
        "connection",
        "user",
        "scim_id",
        "external_id",
        "employee_number",
        "display_name",
        "emails",
        "groups_list",
    ]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(boolean=True, description=_("active"))
    def is_active(self, obj):
        return obj.user.is_active

    @admin.display(description=_("groups"))
    def groups_list(self, obj):
        return ", ".join(g.display_name for g in obj.groups.all()) or "-"


class GroupMappingInline(admin.TabularInline):
    model = GroupMapping
    extra = 1
    autocomplete_fields = ["org_unit"]
    fields = ["org_unit", "role", "title"]


@admin.register(DirectoryGroup)
class DirectoryGroupAdmin(admin.ModelAdmin):
    """The groups come from the directory; a district admin maps each to units' staff or approvers.
    Saving the mappings gives and takes memberships of every member at once (audited)."""

    list_display = ["display_name", "connection", "member_count", "mapped_to"]
    list_filter = ["connection"]
    search_fields = ["display_name", "external_id"]
    fields = ["connection", "display_name", "external_id", "scim_id", "member_count"]
    readonly_fields = fields
    inlines = [GroupMappingInline]

    @admin.display(description=_("members"))
    def member_count(self, obj):
        return obj.members.count()

    @admin.display(description=_("mapped to"))
    def mapped_to(self, obj):
        return (
            "; ".join(f"{m.get_role_display()} of {m.org_unit}" for m in obj.mappings.select_related("org_unit")) or "-"
        )

    def has_add_permission(self, request):
        return False  # groups are pushed by the directory

    def has_delete_permission(self, request, obj=None):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        try:
            changes = provisioning.apply_group_mappings(actor=request.user, group=form.instance)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        added, removed = len(changes["memberships_added"]), len(changes["memberships_removed"])
        self.message_user(request, f"Memberships updated: {added} added, {removed} removed.", messages.INFO)


@admin.register(ManagedMembership)
class ManagedMembershipAdmin(ReadOnlyAdmin):
    list_display = ["membership", "connection", "created_at"]
    list_filter = ["connection"]
    list_select_related = ["membership__user", "membership__org_unit", "connection"]
    search_fields = ["membership__user__email", "membership__org_unit__name"]
    show_full_result_count = False


@admin.register(ExternalOrg)
class ExternalOrgAdmin(ReadOnlyAdmin):
    list_display = ["sourced_id", "org_unit"]
    search_fields = ["sourced_id", "org_unit__name"]


@admin.register(DirectoryImport)
class DirectoryImportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_by", "file_names", "full_roster", "status", "applied_at", "page"]
    list_filter = ["status"]
    exclude = ["data"]
    readonly_fields = ["created_by", "created_at", "status", "file_names", "full_roster", "summary", "applied_at"]

    @admin.display(description=_("preview"))
    def page(self, obj):
        return format_html(_('<a href="{}">open</a>'), reverse("directory:import_preview", args=[obj.pk]))
