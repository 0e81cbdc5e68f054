from django.urls import path

from . import views

app_name = "approvals"
urlpatterns = [
    path("", views.my_requests, name="mine"),
    path("new/", views.create, name="create"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
