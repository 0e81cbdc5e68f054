from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "AP 1311 portal: district administration"
admin.site.site_title = "AP 1311 admin"
admin.site.index_title = "Schools, roles, platforms and schedules"

urlpatterns = [
    path("", include("accounts.urls")),
    path("requests/", include("approvals.urls")),
    path("registry/", include("registry.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("outreach/", include("outreach.urls")),
    path("moderation/", include("moderation.urls")),
    path("api/v1/", include("api.urls")),
    path("auth/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
