from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("<id:pk>/check-in/", views.checkin, name="checkin"),
    path("link/<str:token>/", views.link, name="link"),
]
