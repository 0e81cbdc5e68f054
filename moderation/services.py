"""Recording moderation check-ins and missed periods (AP 1311 §1.4.3)."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_event
from core.errors import DomainError
from registry.models import RegistryEntry

from . import periods
from .models import CheckIn, MissedCheckIn
from .selectors import can_check_in, monitored_entries, within_window


class CheckInError(DomainError):
    """A check-in that cannot be recorded; the message is shown to the user."""


@transaction.atomic
def record_checkin(
    *, user, entry: RegistryEntry, day: date | None = None, via: str = CheckIn.Via.PORTAL
) -> tuple[CheckIn, bool]:
    """Record that `user` checked the comments of `entry` for the period containing `day` (today).

    Who: the owner or a co-admin of an active account with comments on or moderated.
    Idempotent: a second check-in for the same period returns the first one and `False`.
    Side effects: one audit event `moderation.checked_in` when a check-in is created.
    """
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    if not can_check_in(user, entry):
        if entry.status != RegistryEntry.Status.ACTIVE:
            raise CheckInError(_("This account is not active, so it needs no check-in."))
        if entry.comment_setting not in (RegistryEntry.Comments.ON, RegistryEntry.Comments.MODERATED):
            raise CheckInError(_("Comments are off on this account, so it needs no check-in (§1.4.3)."))
        raise CheckInError(_("Only the owner or a co-administrator can record a check-in for this account."))
    start = periods.period_start(entry.comment_setting, day or timezone.localdate())
    existing = CheckIn.objects.filter(entry=entry, period_start=start).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                entry=entry, period_start=start, comment_setting=entry.comment_setting, checked_by=user, via=via
            )
    except IntegrityError:  # a concurrent check-in for the same period won
        return CheckIn.objects.get(entry=entry, period_start=start), False
    record_event(
        actor=user,
        action="moderation.checked_in",
        target=entry,
        org_unit=entry.org_unit,
        details={"period": start.isoformat(), "comments": entry.comment_setting, "via": via},
    )
    return checkin, True


def record_missed_periods(*, day: date, window_periods: int) -> int:
    """Record every period that ended before `day`, among each account's last `window_periods`
    periods (days or weeks, §1.4.3), without a check-in.

    Safe to run twice or late: the unique (entry, period) constraint keeps one row per period, and
    a worker that was down for several nights catches up on all of them at once, once.
    Periods before the account was registered are never counted. Bounded queries: one read of the
    monitored accounts, one of their check-ins and missed periods in the window, one bulk insert.
    """
    entries = list(monitored_entries().only("pk", "comment_setting", "created_at"))
    # Each account's own window: the last days of daily accounts, the last weeks of weekly ones.
    window = within_window(day, window_periods, setting_field="entry__comment_setting")
    monitored = {"entry__in": monitored_entries().values("pk")}
    known = set(CheckIn.objects.filter(window, **monitored).values_list("entry_id", "period_start"))
    known |= set(MissedCheckIn.objects.filter(window, **monitored).values_list("entry_id", "period_start"))
    missed = []
    for entry in entries:
        # The registration day itself is not counted: the first full period is the next one.
        registered = timezone.localdate(entry.created_at) + timedelta(days=1)
        for start in periods.last_periods(entry.comment_setting, day, window_periods):
            if start >= registered and (entry.pk, start) not in known:
                missed.append(MissedCheckIn(entry=entry, period_start=start, comment_setting=entry.comment_setting))
    MissedCheckIn.objects.bulk_create(missed, ignore_conflicts=True, batch_size=2000)
    return len(missed)
