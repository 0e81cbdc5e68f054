from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """District-approved online applications (AP 1311 §1.4.7)."""

    list_display = ["name", "is_approved", "supports_comments_off", "rules_url"]
    list_filter = ["is_approved", "supports_comments_off"]
    search_fields = ["name"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The French beside the English (issue 17): district admins write both.
    fieldsets = [
        (None, {"fields": ["name", "is_approved", "supports_comments_off"]}),
        (_("Rules staff must know (§1.3.4)"), {"fields": ["rules_url", ("rules", "rules_fr")]}),
        (_("Notes"), {"fields": ["notes"]}),
    ]
