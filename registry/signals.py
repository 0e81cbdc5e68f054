"""Access follows membership (AP 1311 §1.4.5): when someone leaves a unit, loses its approver role or is
deactivated, the registry takes back what that gave them (`services.withdraw_access`), at once.

accounts/signals.py says when that happens (`membership_lost`, `user_deactivated`, from whatever made
the change: the admin, a shell, the directory sync); the registry decides what it means for accounts.
"""

from django.dispatch import receiver

from accounts.signals import membership_lost, user_deactivated


def _withdraw(**kwargs) -> None:
    from .services import withdraw_access

    withdraw_access(**kwargs)


@receiver(user_deactivated, dispatch_uid="registry_withdraw_on_deactivation")
def withdraw_when_deactivated(sender, user, **kwargs):
    _withdraw(user=user)


@receiver(membership_lost, dispatch_uid="registry_withdraw_on_membership_lost")
def withdraw_when_membership_lost(sender, user, org_unit, was_approver, **kwargs):
    _withdraw(user=user, org_unit=org_unit, was_approver=was_approver)
