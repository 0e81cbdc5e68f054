from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.contrib import admin

        from .admin_trail import audit_every_admin

        # After the admin's autodiscovery (django.contrib.admin comes first in INSTALLED_APPS).
        audit_every_admin(admin.site)
