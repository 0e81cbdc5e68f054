from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/new/", views.inquiry_create, name="inquiry_create"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry_detail"),
    path("inquiries/<int:pk>/acknowledge/", views.inquiry_acknowledge, name="inquiry_acknowledge"),
    path("inquiries/<int:pk>/respond/", views.inquiry_respond, name="inquiry_respond"),
    path("inquiries/<int:pk>/close/", views.inquiry_close, name="inquiry_close"),
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/confirm/", views.event_confirm, name="event_confirm"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("attestation/", views.attestation, name="attestation"),
]
