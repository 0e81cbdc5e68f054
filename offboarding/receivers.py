"""When a person leaves, open their offboarding cases; when the work is done, close the items.

Departures are the same model signals the registry follows (registry/signals.py): a membership deleted
or changed (its unit or approver role lost), a user deactivated (as SCIM deprovisioning does). This app
is installed after the registry, so by the time these receivers run `withdraw_access` has flagged the
accounts, and the case lists what it flagged. Items close on the audit event of the service that did
the work (`audit.signals.event_recorded`, inside that service's transaction).
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from accounts.models import Membership, OrgUnit, User
from audit.models import AuditEvent
from audit.signals import event_recorded

from . import services

Trigger = services.OffboardingCase.Trigger
_WAS_ACTIVE = "_offboarding_was_active"
_WAS = "_offboarding_membership_was"


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="offboarding_remember_user_active")
def remember_was_active(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        return
    setattr(instance, _WAS_ACTIVE, sender.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first())


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="offboarding_open_on_deactivation")
def open_when_deactivated(sender, instance, created=False, raw=False, **kwargs):
    was_active = getattr(instance, _WAS_ACTIVE, None)
    if hasattr(instance, _WAS_ACTIVE):
        delattr(instance, _WAS_ACTIVE)
    if raw or created or not was_active or instance.is_active:
        return
    unit_ids = set(Membership.objects.filter(user=instance).values_list("org_unit_id", flat=True))
    unit_ids |= set(
        AuditEvent.objects.filter(action="registry.access_withdrawn", details__user=instance.email)
        .exclude(org_unit=None)
        .values_list("org_unit_id", flat=True)
    )
    for unit in OrgUnit.objects.filter(pk__in=unit_ids).order_by("pk"):
        services.open_case(person=instance, org_unit=unit, trigger=Trigger.DEACTIVATED)


@receiver(pre_save, sender=Membership, dispatch_uid="offboarding_remember_membership")
def remember_membership(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    setattr(instance, _WAS, sender.objects.filter(pk=instance.pk).values("org_unit_id", "role", "user_id").first())


def _left(user_id: int, unit_id: int, was_approver: bool) -> None:
    user = User.objects.filter(pk=user_id).first()
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if user is None or unit is None:
        return
    still_member = Membership.objects.filter(user=user, org_unit=unit).exists()
    if still_member and not was_approver:
        return  # another membership of the same unit keeps them on its staff
    trigger = Trigger.LOST_APPROVER_ROLE if still_member else Trigger.LEFT_UNIT
    services.open_case(person=user, org_unit=unit, trigger=trigger)


@receiver(post_save, sender=Membership, dispatch_uid="offboarding_open_on_membership_change")
def open_when_membership_changes(sender, instance, created=False, raw=False, **kwargs):
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
    _left(before["user_id"], before["org_unit_id"], before["role"] == Membership.Role.APPROVER)


@receiver(post_delete, sender=Membership, dispatch_uid="offboarding_open_on_membership_delete")
def open_when_membership_deleted(sender, instance, **kwargs):
    _left(instance.user_id, instance.org_unit_id, instance.role == Membership.Role.APPROVER)


@receiver(event_recorded, sender=AuditEvent, dispatch_uid="offboarding_close_items")
def close_items_when_work_done(sender, event, **kwargs):
    if services.closes(event.action) and event.target_id.isdigit():
        services.complete_items(event=event)


@receiver(post_save, sender=Membership, dispatch_uid="offboarding_handover_review")
def handover_review_for_a_new_approver(sender, instance, created=False, raw=False, **kwargs):
    """Principal handover (issue 15): a new approver membership starts a review of the unit's registry."""
    if raw or not created or instance.role != Membership.Role.APPROVER:
        return
    services.start_handover_review(approver=instance.user, org_unit=instance.org_unit)
