"""When a person leaves, open their offboarding cases; when the work is done, close the items.

Departures are the two signals of accounts/signals.py the registry follows too (`membership_lost`,
`user_deactivated`, which SCIM deprovisioning sends). This app is installed after the registry, so by
the time these receivers run `withdraw_access` has flagged the accounts, and the case lists what it
flagged. Items close on the audit event of the service that did
the work (`audit.signals.event_recorded`, inside that service's transaction).
"""

from django.dispatch import receiver

from accounts.models import Membership, OrgUnit
from accounts.signals import approver_gained, membership_lost, user_deactivated
from audit.models import AuditEvent
from audit.signals import event_recorded
from registry.hooks import access_withdrawn

from . import services

Trigger = services.OffboardingCase.Trigger


@receiver(access_withdrawn, dispatch_uid="offboarding_open_on_access_withdrawn")
def open_when_access_withdrawn(sender, user, org_unit, rows, **kwargs) -> bool:
    """The registry just flagged the person's accounts of a unit: open the case now, and tell the approvers
    once, about both (True: the registry sends nothing). The departure's own receivers below find the case
    open and add only what is still missing (e.g. requests)."""
    case = services.open_case(person=user, org_unit=org_unit, trigger=rows[0]["trigger"], withdrawn=rows)
    return bool(case is not None and case.told)


@receiver(user_deactivated, dispatch_uid="offboarding_open_on_deactivation")
def open_when_deactivated(sender, user, **kwargs):
    unit_ids = set(Membership.objects.filter(user=user).values_list("org_unit_id", flat=True))
    unit_ids |= set(
        AuditEvent.objects.filter(action="registry.access_withdrawn", details__user=user.email)
        .exclude(org_unit=None)
        .values_list("org_unit_id", flat=True)
    )
    for unit in OrgUnit.objects.filter(pk__in=unit_ids).order_by("pk"):
        services.open_case(person=user, org_unit=unit, trigger=Trigger.DEACTIVATED)


@receiver(membership_lost, dispatch_uid="offboarding_open_on_membership_lost")
def open_when_membership_lost(sender, user, org_unit, was_approver, **kwargs):
    still_member = Membership.objects.filter(user=user, org_unit=org_unit).exists()
    if still_member and not was_approver:
        return  # another membership of the same unit keeps them on its staff
    trigger = Trigger.LOST_APPROVER_ROLE if still_member else Trigger.LEFT_UNIT
    services.open_case(person=user, org_unit=org_unit, trigger=trigger)


@receiver(event_recorded, sender=AuditEvent, dispatch_uid="offboarding_close_items")
def close_items_when_work_done(sender, event, **kwargs):
    if services.closes(event.action) and event.target_id.isdigit():
        services.complete_items(event=event)


@receiver(approver_gained, dispatch_uid="offboarding_handover_review")
def handover_review_for_a_new_approver(sender, user, org_unit, **kwargs):
    """Principal handover (issue 15): a new approver of a unit, by a new membership or a role changed to
    approver (the admin, a SCIM group), gets a review of the unit's registry."""
    services.start_handover_review(approver=user, org_unit=org_unit)
