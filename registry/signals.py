"""Access follows membership (AP 1311 §1.4.5): when someone leaves a unit, loses its approver role or is
deactivated, the registry takes back what that gave them (`services.withdraw_access`), at once.

The receivers live here, not in accounts/: the registry decides what a change of people means for it
(accounts/ must not import the registry). Whatever makes the change (the admin, a shell, a future
directory sync) sends the model signals:

- Membership deleted (`post_delete`): they left the unit, or lost the role that membership gave.
- Membership changed (`pre_save` remembers unit and role, `post_save` compares): a new role or a new
  unit is a loss for the old one.
- User deactivated (`pre_save` remembers `is_active`, `post_save` acts on True → False only).

`QuerySet.update(...)` and `bulk_update` send no signal: change people one by one, as the admin does.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import Membership, OrgUnit, User

_WAS_ACTIVE = "_registry_was_active"
_WAS = "_registry_membership_was"


def _withdraw(**kwargs) -> None:
    from .services import withdraw_access

    withdraw_access(**kwargs)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="registry_remember_user_active")
def remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        return  # e.g. the last_login update at every sign-in costs no extra query
    was_active = sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    setattr(instance, _WAS_ACTIVE, was_active)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="registry_flag_departed_user")
def withdraw_when_deactivated(sender, instance, created=False, raw=False, **kwargs):
    was_active = getattr(instance, _WAS_ACTIVE, None)
    if hasattr(instance, _WAS_ACTIVE):
        delattr(instance, _WAS_ACTIVE)
    if raw or created or not was_active or instance.is_active:
        return
    _withdraw(user=instance)


@receiver(pre_save, sender=Membership, dispatch_uid="registry_remember_membership")
def remember_membership(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("org_unit_id", "role", "user_id").first()
    setattr(instance, _WAS, before)


@receiver(post_save, sender=Membership, dispatch_uid="registry_withdraw_on_membership_change")
def withdraw_when_membership_changes(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, _WAS, None)
    if hasattr(instance, _WAS):
        delattr(instance, _WAS)
    if raw or created or before is None:
        return
    if (before["org_unit_id"], before["role"], before["user_id"]) == (
        instance.org_unit_id,
        instance.role,
        instance.user_id,
    ):
        return
    _withdraw(
        user=User.objects.get(pk=before["user_id"]),
        org_unit=OrgUnit.objects.get(pk=before["org_unit_id"]),
        was_approver=before["role"] == Membership.Role.APPROVER,
    )


@receiver(post_delete, sender=Membership, dispatch_uid="registry_withdraw_on_membership_delete")
def withdraw_when_membership_deleted(sender, instance, **kwargs):
    user = User.objects.filter(pk=instance.user_id).first()
    org_unit = OrgUnit.objects.filter(pk=instance.org_unit_id).first()
    if user is None or org_unit is None:
        return  # the person or the unit itself is being deleted: nothing of theirs is left to follow
    _withdraw(user=user, org_unit=org_unit, was_approver=instance.role == Membership.Role.APPROVER)
