from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/new/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<id:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<id:pk>/acknowledge/", views.inquiry_acknowledge, name="inquiry_acknowledge"),
    path("inquiries/<id:pk>/respond/", views.inquiry_respond, name="inquiry_respond"),
    path("inquiries/<id:pk>/close/", views.inquiry_close, name="inquiry_close"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<id:pk>/", views.event_detail, name="event_detail"),
    path("events/<id:pk>/confirm/", views.event_confirm, name="event_confirm"),
    path("events/<id:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("attestation/", views.attestation, name="attestation"),
]
