from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.registry_list, name="list"),
    path("mine/", views.my_accounts, name="mine"),
    path("official/", views.official_check, name="official_check"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export_csv, name="export"),
    path("requests/<id:request_pk>/register/", views.register, name="register"),
    path("<id:pk>/", views.entry_detail, name="detail"),
    path("<id:pk>/credentials/", views.credentials, name="credentials"),
    path("<id:pk>/reveal/", views.reveal, name="reveal"),
    path("<id:pk>/two-factor/", views.setup_two_factor, name="setup_two_factor"),
    path("<id:pk>/confirm/", views.confirm_import, name="confirm_import"),
    path("<id:pk>/enforce/", views.enforce, name="enforce"),
    path("<id:pk>/transfer/", views.transfer, name="transfer"),
    path("<id:pk>/co-admins/", views.co_admins, name="co_admins"),
    path("<id:pk>/review/", views.review, name="review"),
]
