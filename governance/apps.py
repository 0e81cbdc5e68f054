from django.contrib.admin.apps import AdminConfig


class DistrictAdminConfig(AdminConfig):
    """django.contrib.admin with the district's admin site (governance/admin.py) as the default site."""

    default_site = "governance.admin.DistrictAdminSite"
