"""The two un-namespaced pages everyone starts from: the landing page and home."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
]
