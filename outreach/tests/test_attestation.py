"""The yearly attestation of the personal-use rules (AP 1311 §2, §4.2)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Membership
from audit.models import AuditEvent
from notifications.models import Notification
from outreach import rules, selectors, services, sweeps
from outreach.models import PersonalUseAttestation
from outreach.statements import ATTESTATION_CODES, ATTESTATION_VERSION

from .conftest import local

pytestmark = pytest.mark.django_db
ALL = {code: "on" for code in ATTESTATION_CODES}


@pytest.fixture
def staff(teacher, colleague, principal, teacher_b, principal_b, comms):
    """Everyone joined before the 2026–27 school year; comms belongs to no unit."""
    Membership.objects.update(created_at=local(2026, 6, 1, 9))
    return [teacher, colleague, principal, teacher_b, principal_b]


def _attest(user, moment):
    with time_machine.travel(moment, tick=False):
        return services.attest_personal_use(user=user, statements=ATTESTATION_CODES)


def _sweep(day):
    return sweeps.remind_pending_attestations(day=day).created


# --- The school year -------------------------------------------------------------------------------------


def test_the_school_year_starts_on_the_configured_day(settings):
    assert rules.school_year_of(date(2026, 8, 31)) == 2025
    assert rules.school_year_of(date(2026, 9, 1)) == 2026
    assert rules.school_year_label(2026) == "2026–27"
    settings.OUTREACH_SCHOOL_YEAR_START = (8, 15)
    assert rules.school_year_of(date(2026, 8, 15)) == 2026


def test_a_confirmation_lasts_until_the_next_school_year_in_district_time_per_2(staff, teacher):
    attestation = _attest(teacher, local(2027, 8, 31, 9))
    assert attestation.school_year == 2026
    # 03:00 UTC on 1 September is still 31 August in Vancouver: nothing due yet.
    with time_machine.travel(local(2027, 8, 31, 20), tick=False):
        assert not selectors.attestation_due(teacher)
    with time_machine.travel(local(2027, 9, 1, 0, 30), tick=False):
        assert selectors.attestation_due(teacher)
        again = services.attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    assert again.school_year == 2027
    assert PersonalUseAttestation.objects.filter(user=teacher).count() == 2


# --- Confirming --------------------------------------------------------------------------------------------


def test_an_employee_confirms_every_statement_recorded_with_version_and_time(client_for, staff, teacher):
    with time_machine.travel(local(2026, 10, 5, 9), tick=False):
        response = client_for(teacher).post(reverse("outreach:attestation"), ALL, follow=True)
    assert "your confirmation for 2026–27 is recorded" in response.content.decode()
    attestation = PersonalUseAttestation.objects.get(user=teacher)
    assert attestation.statement_version == ATTESTATION_VERSION
    assert attestation.statements == list(ATTESTATION_CODES)
    assert attestation.attested_at == local(2026, 10, 5, 9)
    assert [e.action for e in AuditEvent.objects.for_object(attestation)] == ["attestation.confirmed"]


def test_leaving_a_statement_unticked_is_refused_with_a_message(client_for, staff, teacher):
    partial = dict(ALL)
    partial.pop("no_tagging_students")
    response = client_for(teacher).post(reverse("outreach:attestation"), partial)
    body = response.content.decode()
    assert "Please confirm every statement." in body and "Please confirm this statement." in body
    assert not PersonalUseAttestation.objects.exists()
    with pytest.raises(services.OutreachError):
        services.attest_personal_use(user=teacher, statements=["no_tagging_students"])


def test_confirming_twice_in_one_school_year_is_refused_with_a_message(client_for, staff, teacher):
    with time_machine.travel(local(2026, 10, 5, 9), tick=False):
        client = client_for(teacher)
        client.post(reverse("outreach:attestation"), ALL)
        response = client.post(reverse("outreach:attestation"), ALL, follow=True)
    assert "You already confirmed the personal-use rules for 2026–27." in response.content.decode()
    assert PersonalUseAttestation.objects.count() == 1


def test_someone_without_a_unit_may_confirm_but_is_not_asked(client_for, staff, comms):
    body = client_for(comms).get(reverse("outreach:attestation")).content.decode()
    assert "optional for you" in body
    assert not selectors.attestation_due(comms)


# --- Asking and reminding ----------------------------------------------------------------------------------


def test_staff_are_asked_on_the_first_day_then_reminded_every_n_days_until_they_confirm_per_2(staff, teacher):
    assert _sweep(date(2026, 9, 1)) == 5
    assert _sweep(date(2026, 9, 1)) == 0
    assert _sweep(date(2026, 9, 14)) == 0
    assert _sweep(date(2026, 9, 15)) == 5
    _attest(teacher, local(2026, 9, 20, 9))
    assert _sweep(date(2026, 9, 29)) == 4
    kinds = list(Notification.objects.filter(recipient=teacher).order_by("id").values_list("kind", flat=True))
    assert kinds == ["attestation.requested", "reminder.attestation"]


def test_a_sweep_that_first_runs_late_asks_once_and_keeps_the_cycle(staff):
    assert _sweep(date(2026, 9, 5)) == 5
    assert _sweep(date(2026, 9, 6)) == 0
    assert _sweep(date(2026, 9, 15)) == 5


def test_the_reminder_interval_is_a_setting(settings, staff):
    settings.OUTREACH_ATTESTATION_REMINDER_DAYS = 7
    _sweep(date(2026, 9, 1))
    assert _sweep(date(2026, 9, 8)) == 5


def test_someone_who_joins_mid_year_is_asked_from_the_day_they_joined(staff, school_a):
    from accounts.factories import MembershipFactory

    newcomer = MembershipFactory(org_unit=school_a, created_at=local(2026, 11, 2, 9)).user
    Membership.objects.filter(user=newcomer).update(created_at=local(2026, 11, 2, 9))
    _sweep(date(2026, 11, 1))
    assert not Notification.objects.filter(recipient=newcomer).exists()
    _sweep(date(2026, 11, 2))
    assert Notification.objects.get(recipient=newcomer).kind == "attestation.requested"


def test_the_reminder_task_runs_the_sweep(staff):
    from notifications.tasks import run_sweep

    with time_machine.travel(local(2026, 9, 1, 7, 30), tick=False):
        assert run_sweep("attestations") == {"planned": 5, "created": 5, "already_sent": 0, "skipped": 0}


# --- Completion rate ----------------------------------------------------------------------------------------


def test_approvers_see_the_completion_rate_of_their_own_units_only(client_for, staff, teacher, principal):
    _attest(teacher, local(2026, 10, 5, 9))
    with time_machine.travel(local(2026, 10, 6, 9), tick=False):
        response = client_for(principal).get(reverse("outreach:attestation"))
    rows = response.context["completion"]
    assert [(r.unit.name, r.confirmed, r.total, r.rate) for r in rows] == [("Ridgeview Elementary", 1, 3, 33)]
    body = response.content.decode()
    assert "1 of 3" in body and "33%" in body and "Lakeside" not in body
    assert "Cole League" in body  # who has not confirmed yet


def test_the_completion_rate_counts_last_years_confirmations_as_not_done(staff, teacher, colleague, principal):
    _attest(teacher, local(2027, 8, 30, 9))
    _attest(colleague, local(2027, 9, 2, 9))
    (row,) = selectors.attestation_completion(principal, 2027)
    assert (row.confirmed, row.total) == (1, 3)


def test_the_rate_shows_100_only_when_everyone_confirmed():
    row = selectors.UnitCompletion(unit=None, total=200, confirmed=199, pending=[])
    assert row.rate == 99
    assert selectors.UnitCompletion(unit=None, total=0, confirmed=0, pending=[]).rate == 100


def test_employees_do_not_see_a_completion_table(client_for, staff, teacher):
    response = client_for(teacher).get(reverse("outreach:attestation"))
    assert response.context["completion"] == []
    assert "Your units" not in response.content.decode()
