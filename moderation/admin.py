from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import CheckIn, MissedCheckIn


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyAdmin):
    """Evidence of daily/weekly comment monitoring (§1.4.3); read-only."""

    list_display = ["entry", "period_start", "comment_setting", "checked_by", "checked_at", "via"]
    list_filter = ["via", "comment_setting", "entry__org_unit"]
    search_fields = ["entry__handle", "checked_by__email"]
    date_hierarchy = "period_start"
    list_select_related = ["entry__platform", "checked_by"]


@admin.register(MissedCheckIn)
class MissedCheckInAdmin(CheckInAdmin):
    list_display = ["entry", "period_start", "comment_setting", "recorded_at"]
    list_filter = ["comment_setting", "entry__org_unit"]
    search_fields = ["entry__handle", "entry__owner__email"]
    list_select_related = ["entry__platform"]
