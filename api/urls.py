"""/api/v1/: versioned; a v2 would get its own URLconf beside this one."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("docs/", views.Docs.as_view(), name="docs"),
    path("verify", views.Verify.as_view(), name="verify"),
    path("verify/badge/", views.badge, name="badge"),
    path("units/", views.UnitList.as_view(), name="units"),
    path("platforms/", views.PlatformList.as_view(), name="platforms"),
    path("registry/entries/", views.EntryList.as_view(), name="entries"),
    path("registry/entries/<id:pk>/", views.EntryDetail.as_view(), name="entry"),
    path("requests/", views.RequestList.as_view(), name="requests"),
    path("requests/<id:pk>/", views.RequestDetail.as_view(), name="request"),
    path("audit/events/", views.AuditStream.as_view(), name="audit_events"),
]
