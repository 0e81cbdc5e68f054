from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import ReadOnlyInline

from . import services
from .models import AccountRequest, Acknowledgement, PolicyVersion


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    fields = readonly_fields = [
        "statement",
        "statement_version",
        "statement_text",
        "statement_language",
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
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Asked now")), ("draft", _("Draft")), ("past", _("Superseded or retired"))]

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
    # The French texts sit beside the English (issue 17): requesters reading in French see them.
    fields = [
        "code",
        "clause",
        "version",
        "wording",
        "wording_fr",
        "why",
        "why_fr",
        "position",
        "published_at",
        "published_by",
        "is_active",
    ]

    @admin.display(description=gettext_lazy("state"))
    def state_label(self, obj):
        return obj.state_label

    @admin.display(description=gettext_lazy("wording"))
    def short_wording(self, obj):
        return obj.wording if len(obj.wording) <= 90 else obj.wording[:89] + "…"

    def get_readonly_fields(self, request, obj=None):
        state = ["published_at", "published_by", "is_active"]
        if obj is not None and obj.is_published:
            # What people acknowledged never changes; only the form's order may, and a French text
            # still missing may be written once (PolicyVersion.ADD_ONCE_FIELDS).
            written = [name for name in PolicyVersion.ADD_ONCE_FIELDS if getattr(obj, name)]
            return [*PolicyVersion.FROZEN_FIELDS, "why", *written, *state]
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
                self.message_user(request, str(done) % {"version": result}, messages.SUCCESS)

    @admin.action(
        description=gettext_lazy("Publish the selected drafts (each replaces its statement's active version)")
    )
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, user: services.publish_policy_version(policy_version=v, user=user),
            gettext_lazy("%(version)s is published and asked on new requests from now on."),
        )

    @admin.action(description=gettext_lazy("Start a new version (a draft copy) of the selected statements"))
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
                format_html(
                    _('Draft <a href="{link}">{draft}</a> created: edit its wording, then publish it.'),
                    link=link,
                    draft=draft,
                ),
                messages.SUCCESS,
            )

    @admin.action(description=gettext_lazy("Stop asking the selected statements on new requests"))
    def retire(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda v, user: services.retire_policy_version(policy_version=v, user=user),
            gettext_lazy("%(version)s is no longer asked on new requests."),
        )
