from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("new/", views.create, name="create"),
    path("queue/", views.queue, name="queue"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/decide/", views.decide, name="decide"),
]
