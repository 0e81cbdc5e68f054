"""Who sees and does what in the directory app: bulk set-up is for district admins only; each sees
the imports they uploaded (others' are not found)."""

from django.db.models import QuerySet

from accounts.models import User

from .models import DirectoryImport


def can_run_bulk_setup(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_district_admin


def imports_visible_to(user: User) -> QuerySet[DirectoryImport]:
    if not can_run_bulk_setup(user):
        return DirectoryImport.objects.none()
    return DirectoryImport.objects.filter(created_by=user)
