"""District admins see that rosters exist and how big they are, never the students in them: student
answers are read in the portal by the school's own staff, where every look-up is audited (§1.3.6)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy

from .models import Roster


@admin.register(Roster)
class RosterAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "school_year", "students", "last_imported_at"]
    list_filter = ["school_year"]
    search_fields = ["org_unit__name", "org_unit__code"]
    list_select_related = ["org_unit"]
    fields = ["org_unit", "school_year", "students", "created_at", "last_imported_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(student_count=Count("students"))

    @admin.display(description=gettext_lazy("students"), ordering="student_count")
    def students(self, obj):
        return obj.student_count

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
