"""When a user is deactivated, the accounts they could sign in to are flagged (AP 1311 §1.4.5).

The receivers live here, not in accounts/: the registry decides what a departure means for it.
`pre_save` remembers whether the user was active; `post_save` acts on the True → False transition
only. (`QuerySet.update(is_active=False)` sends no signal: deactivate users one by one, as the
admin does.)
"""

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

_WAS_ACTIVE = "_registry_was_active"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="registry_remember_user_active")
def remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        return  # e.g. the last_login update at every sign-in costs no extra query
    was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    setattr(instance, _WAS_ACTIVE, was_active)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="registry_flag_departed_user")
def flag_when_deactivated(sender, instance, created=False, raw=False, **kwargs):
    was_active = getattr(instance, _WAS_ACTIVE, None)
    if hasattr(instance, _WAS_ACTIVE):
        delattr(instance, _WAS_ACTIVE)
    if raw or created or not was_active or instance.is_active:
        return
    from .services import flag_accounts_of_departed_user

    flag_accounts_of_departed_user(user=instance)
