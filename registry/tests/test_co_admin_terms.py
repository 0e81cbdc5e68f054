"""Co-admin access that ends (issue 15, §1.4.5): an end date on a co-admin, warnings 7 days and 1 day before,
removal on the day with the password flagged for rotation."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import Notification
from notifications.sweeps import run_sweep
from registry import services
from registry.models import CoAdminTerm, RegistryEntry

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 2, 10, 0))
ENDS = datetime.date(2026, 11, 20)


@pytest.fixture
def term(make_entry, teacher, colleague, school_a):
    entry = make_entry(teacher, school_a, handle="room12")
    with time_machine.travel(NOW, tick=False):
        services.add_co_admin(actor=teacher, entry=entry, user=colleague, until=ENDS)
    return CoAdminTerm.objects.get()


def warnings(user):
    return Notification.objects.filter(recipient=user, kind="reminder.co_admin_term")


def test_a_co_admin_added_until_a_date_keeps_the_date_and_the_audit_names_it_1_4_5(term, colleague):
    assert (term.user, term.ends_on, term.ended_at) == (colleague, ENDS, None)
    event = AuditEvent.objects.get(action="registry.co_admin_added")
    assert event.details == {"user": colleague.email, "until": "2026-11-20"}


def test_an_end_date_in_the_past_is_refused(make_entry, teacher, colleague, school_a):
    entry = make_entry(teacher, school_a)
    with pytest.raises(services.RegistryError):
        services.add_co_admin(actor=teacher, entry=entry, user=colleague, until=timezone.localdate())
    assert not entry.co_admins.exists()


def test_warnings_go_out_seven_days_and_one_day_before_once_each_1_4_5(term, teacher, colleague):
    for day in (datetime.date(2026, 11, 12), datetime.date(2026, 11, 13), datetime.date(2026, 11, 13)):
        run_sweep("co_admin_terms", day=day)
    assert [n.subject for n in warnings(colleague)] == ["Administrative access to @room12 on Instagram ends in 7 days"]
    run_sweep("co_admin_terms", day=datetime.date(2026, 11, 19))
    run_sweep("co_admin_terms", day=datetime.date(2026, 11, 19))
    assert warnings(colleague).count() == 2 and warnings(teacher).count() == 2


def test_on_the_day_the_access_is_removed_and_the_password_flagged_1_4_5(term, colleague, teacher):
    run_sweep("co_admin_terms", day=ENDS)
    run_sweep("co_admin_terms", day=ENDS)
    entry = RegistryEntry.objects.get(pk=term.entry_id)
    assert not entry.co_admins.filter(pk=colleague.pk).exists()
    assert entry.needs_password_rotation
    assert AuditEvent.objects.filter(action="registry.co_admin_expired").count() == 1
    assert Notification.objects.filter(recipient=teacher, kind="registry.co_admin_expired").count() == 1


def test_removing_the_co_admin_by_hand_ends_the_term(term, teacher, colleague):
    services.remove_co_admin(actor=teacher, entry=term.entry, user=colleague)
    term.refresh_from_db()
    assert term.ended_at is not None
    run_sweep("co_admin_terms", day=ENDS)
    assert not AuditEvent.objects.filter(action="registry.co_admin_expired").exists()


def test_the_owner_sets_the_end_date_from_the_account_page(make_entry, teacher, colleague, school_a, client_for):
    entry = make_entry(teacher, school_a)
    until = timezone.localdate() + datetime.timedelta(days=30)
    client_for(teacher).post(reverse("registry:co_admins", args=[entry.pk]), {"user": colleague.pk, "until": until})
    assert CoAdminTerm.objects.get(entry=entry, user=colleague).ends_on == until
