from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("", views.endpoint, name="root"),
    re_path(r"^(?P<path>.+)$", views.endpoint, name="endpoint"),
]
