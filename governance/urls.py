from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", include("oversight.home_urls")),
    path("", include("oversight.urls")),
    # The dashboard and compliance reports lived under /audit/ before the oversight app.
    path("audit/dashboard/", RedirectView.as_view(pattern_name="oversight:dashboard", permanent=True)),
    path(
        "audit/compliance/<slug:code>/",
        RedirectView.as_view(pattern_name="oversight:compliance", permanent=True),
    ),
    path("requests/", include("approvals.urls")),
    path("registry/", include("registry.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("audit.urls")),
    path("outreach/", include("outreach.urls")),
    path("moderation/", include("moderation.urls")),
    path("auth/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
