from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from core.admin import ReadOnlyInline

from . import services
from .models import AccountRequest, Acknowledgement, PolicyVersion


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    fields = readonly_fields = [
        "statement",
        "statement_version",
        "statement_text",
        "acknowledged_by",
        "acknowledged_at",
    ]


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


class PolicyStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Asked now"), ("draft", "Draft"), ("past", "Superseded or retired")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(is_active=True)
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "past":
            return queryset.filter(published_at__isnull=False, is_active=False)
        return queryset


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    """The statements requesters acknowledge (§1.2.3), kept by district admins.

    Write a new wording as a draft ("Add", or the action that copies a version), then publish it: it
    replaces the statement's active version for requests not yet submitted. A published wording is
    read-only and cannot be deleted, so every acknowledgement keeps pointing at what was read.
    """

    list_display = ["code", "version", "clause", "state_label", "short_wording", "position", "published_at"]
    list_filter = [PolicyStateFilter, "clause"]
    search_fields = ["code", "wording", "clause"]
    ordering = ["position", "code", "-created_at"]
    actions = ["publish", "start_new_version", "retire"]
    fields = ["code", "clause", "version", "wording", "why", "position", "published_at", "published_by", "is_active"]

    @admin.display(description="state")
    def state_label(self, obj):
        return obj.state

    @admin.display(description="wording")
    def short_wording(self, obj):
        return obj.wording if len(obj.wording) <= 90 else obj.wording[:89] + "…"

    def get_readonly_fields(self, request, obj=None):
        state = ["published_at", "published_by", "is_active"]
        if obj is not None and obj.is_published:
            # What people acknowledged never changes; only the form's order may.
            return [*PolicyVersion.FROZEN_FIELDS, "why", *state]
        return state

    def has_delete_permission(self, request, obj=None):
        # Drafts only: a published version is the evidence behind acknowledgements.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_published)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.filter(published_at__isnull=True))

    def _each(self, request, queryset, service, done: str) -> None:
        for version in queryset:
            try:
                result = service(version, request.user)
            except services.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, done.format(version=result), messages.SUCCESS)

    @admin.action(description="Publish the selected drafts (each replaces its statement's active version)")
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, user: services.publish_policy_version(policy_version=v, user=user),
            "{version} is published and asked on new requests from now on.",
        )

    @admin.action(description="Start a new version (a draft copy) of the selected statements")
    def start_new_version(self, request, queryset):
        for version in queryset:
            try:
                draft = services.draft_policy_version(based_on=version, user=request.user)
            except services.WorkflowError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            link = reverse("admin:approvals_policyversion_change", args=[draft.pk])
            self.message_user(
                request,
                format_html('Draft <a href="{}">{}</a> created: edit its wording, then publish it.', link, draft),
                messages.SUCCESS,
            )

    @admin.action(description="Stop asking the selected statements on new requests")
    def retire(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, user: services.retire_policy_version(policy_version=v, user=user),
            "{version} is no longer asked on new requests.",
        )
