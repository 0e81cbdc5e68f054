from django.contrib import admin
from django.db import models

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """District-approved online applications (AP 1311 §1.4.7)."""

    list_display = ["name", "is_approved", "supports_comments_off", "rules_url"]
    list_filter = ["is_approved", "supports_comments_off"]
    search_fields = ["name"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
