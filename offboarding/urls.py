from django.urls import path

from . import views

app_name = "offboarding"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<id:pk>/", views.case_detail, name="detail"),
    path("items/<id:pk>/withdraw/", views.withdraw_request, name="withdraw_request"),
    path("items/<id:pk>/reassign/", views.reassign_request, name="reassign_request"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<id:pk>/", views.review_detail, name="review"),
    path("reviews/items/<id:pk>/answer/", views.answer, name="answer"),
]
