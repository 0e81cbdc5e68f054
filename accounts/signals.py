"""What a change of people means, said once: `membership_lost`, `user_deactivated` and `approver_gained`.

The apps that follow people (the registry takes access back, §1.4.5; offboarding opens cases) receive
these two signals instead of each watching the models and working out, again, whether someone left.
They are sent from the model signals, so whatever makes the change (the admin, a shell, the SCIM
directory sync, a CSV import) counts:

- a Membership deleted: its unit, or the role it gave, is lost;
- a Membership changed (`pre_save` remembers unit, role and person, `post_save` compares): the old
  unit, or the old role in it, is lost;
- a User's `is_active` going from True to False (only when `is_active` is saved);
- a Membership created with the approver role, or changed to it (its role or its unit): `approver_gained`
  (offboarding's handover review).

`QuerySet.update(...)` and `bulk_update` send no signal: change people one by one, as the admin does.
Receivers run in the order the apps are installed (registry before offboarding).
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from . import navcache
from .models import Membership, OrgUnit, User

# sender=Membership; kwargs: user, org_unit, was_approver.
membership_lost = Signal()
# sender=User; kwargs: user.
user_deactivated = Signal()
# sender=Membership; kwargs: user, org_unit (a person newly approver of the unit, however it happened).
approver_gained = Signal()

_WAS_ACTIVE = "_accounts_was_active"
_WAS = "_accounts_membership_was"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_remember_user_active")
def _remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        return  # e.g. the last_login update at every sign-in costs no extra query
    setattr(instance, _WAS_ACTIVE, sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first())


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts_user_deactivated")
def _send_user_deactivated(sender, instance, created=False, raw=False, **kwargs):
    was_active = getattr(instance, _WAS_ACTIVE, None)
    if hasattr(instance, _WAS_ACTIVE):
        delattr(instance, _WAS_ACTIVE)
    if raw or created or not was_active or instance.is_active:
        return
    user_deactivated.send(sender=User, user=instance)


@receiver(pre_save, sender=Membership, dispatch_uid="accounts_remember_membership")
def _remember_membership(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    setattr(instance, _WAS, sender.objects.filter(pk=instance.pk).values("org_unit_id", "role", "user_id").first())


def _send_lost(user_id: int, org_unit_id: int, role: str) -> None:
    user = User.objects.filter(pk=user_id).first()
    org_unit = OrgUnit.objects.filter(pk=org_unit_id).first()
    if user is None or org_unit is None:
        return  # the person or the unit itself is being deleted: nothing of theirs is left to follow
    membership_lost.send(sender=Membership, user=user, org_unit=org_unit, was_approver=role == Membership.Role.APPROVER)


@receiver(post_save, sender=Membership, dispatch_uid="accounts_membership_changed")
def _send_lost_on_change(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, _WAS, None)
    if hasattr(instance, _WAS):
        delattr(instance, _WAS)
    if raw:
        return
    gained = instance.role == Membership.Role.APPROVER and (
        created or before is None or (before["org_unit_id"], before["role"]) != (instance.org_unit_id, instance.role)
    )
    if gained:  # one approver membership per person and unit (a unique constraint): this one is new
        approver_gained.send(sender=Membership, user=instance.user, org_unit=instance.org_unit)
    if created or before is None:
        return
    if (before["org_unit_id"], before["role"], before["user_id"]) != (
        instance.org_unit_id,
        instance.role,
        instance.user_id,
    ):
        _send_lost(before["user_id"], before["org_unit_id"], before["role"])


@receiver(post_delete, sender=Membership, dispatch_uid="accounts_membership_deleted")
def _send_lost_on_delete(sender, instance, **kwargs):
    _send_lost(instance.user_id, instance.org_unit_id, instance.role)


@receiver(pre_save, sender=Membership, dispatch_uid="accounts_membership_nav_moved")
def _menus_of_the_previous_holder(sender, instance, raw=False, **kwargs):
    """A membership moved to another person: the previous holder's menus change too."""
    before = getattr(instance, _WAS, None)  # set by _remember_membership, registered above
    if not raw and before and before["user_id"] != instance.user_id:
        navcache.invalidate(before["user_id"])


@receiver(post_save, sender=Membership, dispatch_uid="accounts_membership_nav")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts_membership_nav_deleted")
def _menus_changed(sender, instance, raw=False, **kwargs):
    """A membership decides the person's menus: drop their cached ones (accounts/navcache.py)."""
    if not raw:
        navcache.invalidate(instance.user_id)
