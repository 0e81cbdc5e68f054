from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.decorators.http import last_modified
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from accounts.views import set_language
from core.i18n import CATALOG_BUILT_AT

# AP 1311 trust: the admin has no sign-in of its own. Its login page sends people through allauth's
# flow (with its two-factor stage), so a password alone never opens the admin.
admin.site.login = secure_admin_login(admin.site.login)

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
    path("offboarding/", include("offboarding.urls")),
    path("consent/", include("consent.urls")),
    path("api/v1/", include("api.urls")),
    path("directory/", include("directory.urls")),
    # SCIM 2.0 provisioning (Entra ID, Okta): bearer tokens per directory connection, no session.
    path("scim/v2/", include("directory.scim.urls")),
    path("auth/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    # Languages (issue 17): the switch on every page, and the JavaScript strings' catalog.
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "i18n/js/",
        cache_page(86400)(last_modified(lambda request: CATALOG_BUILT_AT)(JavaScriptCatalog.as_view())),
        name="javascript-catalog",
    ),
]
