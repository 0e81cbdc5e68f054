from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("dashboard/", views.district_dashboard, name="dashboard"),
    path("compliance/<slug:code>/", views.compliance_report, name="compliance"),
    path("compliance/<slug:code>/export.csv", views.compliance_report_csv, name="compliance_export"),
]
