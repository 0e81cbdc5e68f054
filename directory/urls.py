from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("import/", views.import_start, name="import"),
    path("import/<id:pk>/", views.import_preview, name="import_preview"),
    path("import/<id:pk>/apply/", views.import_apply, name="import_apply"),
]
