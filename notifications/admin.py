from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services, tasks
from .models import Notification, SweepRun


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """District admins watch delivery here: filter on 'Failed permanently' to see what never went out."""

    list_display = ["created_at", "recipient", "kind", "subject", "email_status", "email_attempts", "read_at"]
    list_filter = ["email_status", "kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["recipient__email", "subject", "kind"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    exclude = ["body"]
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "body"] + ["text"]
    actions = ["retry_email"]

    @admin.display(description=_("Body"))
    def text(self, obj):
        # A sign-in e-mail holds a one-time link (password reset, address confirmation): never shown.
        return _("(A sign-in e-mail: its text is not shown.)") if obj.email_only else obj.body

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the outbox is the record of what the portal told whom

    @admin.action(description=_("Retry e-mail delivery (failed or waiting)"))
    def retry_email(self, request, queryset):
        count = services.retry_failed(queryset.values_list("pk", flat=True))
        tasks.flush_outbox.delay()
        self.message_user(
            request,
            ngettext("%(count)s notification queued again.", "%(count)s notifications queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SweepRun)
class SweepRunAdmin(admin.ModelAdmin):
    """When each reminder sweep last ran and what it did."""

    list_display = ["name", "for_date", "started_at", "finished_at", "dry_run", "counts"]
    list_filter = ["name", "dry_run"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
