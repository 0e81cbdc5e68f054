from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("rosters/", views.rosters, name="rosters"),
    path("rosters/<id:pk>/", views.roster, name="roster"),
    path("rosters/<id:pk>/export/", views.export, name="export"),
    path("students/new/", views.student_add, name="student_add"),
    path("students/<id:pk>/", views.student_edit, name="student_edit"),
    path("students/<id:pk>/remove/", views.student_remove, name="student_remove"),
    path("import/", views.import_roster, name="import"),
    path("lookups/", views.lookups, name="lookups"),
]
