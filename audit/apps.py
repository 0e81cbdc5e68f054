from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from django.contrib import admin

        from .admin_trail import audit_every_admin

        # After the admin's autodiscovery (django.contrib.admin comes first in INSTALLED_APPS).
        audit_every_admin(admin.site)
