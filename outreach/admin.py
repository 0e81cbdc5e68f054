"""Read-only admin: outreach records are evidence (§1.5.1, §3.1, §2). Every change goes through the
portal's services so it lands in the audit trail; the admin is for finding and reading."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import InquiryUpdate, MediaInquiry, PersonalUseAttestation, SchoolEvent


class InquiryUpdateInline(ReadOnlyInline):
    model = InquiryUpdate
    fields = ["created_at", "action", "author", "note"]
    readonly_fields = fields


@admin.register(MediaInquiry)
class MediaInquiryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "outlet", "org_unit", "logged_by", "deadline", "status", "handled_by"]
    list_filter = ["status", "org_unit", ("deadline", admin.DateFieldListFilter)]
    search_fields = ["outlet", "contact_name", "question", "received_via", "logged_by__email"]
    list_select_related = ["org_unit", "logged_by", "handled_by"]
    date_hierarchy = "created_at"
    inlines = [InquiryUpdateInline]


@admin.register(InquiryUpdate)
class InquiryUpdateAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "inquiry", "action", "author"]
    list_filter = ["action"]
    search_fields = ["inquiry__outlet", "note", "author__email"]
    list_select_related = ["inquiry", "author"]


@admin.register(SchoolEvent)
class SchoolEventAdmin(ReadOnlyAdmin):
    list_display = ["starts_at", "title", "org_unit", "organiser", "status", "announcement_confirmed_at"]
    list_filter = ["status", "org_unit", ("announcement_confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "location", "organiser__email", "org_unit__name"]
    list_select_related = ["org_unit", "organiser"]
    date_hierarchy = "starts_at"


@admin.register(PersonalUseAttestation)
class PersonalUseAttestationAdmin(ReadOnlyAdmin):
    list_display = ["user", "school_year", "statement_version", "attested_at"]
    list_filter = ["school_year", "statement_version", "user__memberships__org_unit"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "attested_at"
