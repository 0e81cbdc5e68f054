from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.registry_list, name="list"),
    path("mine/", views.my_accounts, name="mine"),
    path("official/", views.official_check, name="official_check"),
    path("import/", views.import_csv, name="import"),
    path("export.csv", views.export_csv, name="export"),
    path("requests/<int:request_pk>/register/", views.register, name="register"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/credentials/", views.credentials, name="credentials"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/enforce/", views.enforce, name="enforce"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/co-admins/", views.co_admins, name="co_admins"),
    path("<int:pk>/review/", views.review, name="review"),
]
