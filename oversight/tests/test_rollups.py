"""The dashboard's rollup equals the live computation, and stays equal as services, the admin and the
moderation sweep change the data (AP 1311 §1.4.3, §1.4.5, §1.4.6 at district scale)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from moderation.models import CheckIn, MissedCheckIn
from moderation.services import record_checkin
from notifications.sweeps import run_sweep
from oversight.models import UnitRollup
from oversight.reports import FIGURE_NAMES, compliance_over_time, district_figures
from oversight.rollups import current_rollups
from registry.services import disable_account

pytestmark = pytest.mark.django_db


def _live(units):
    return {f.unit.pk: {name: getattr(f, name) for name in FIGURE_NAMES} for f in district_figures(units)}


def _rolled(units):
    rows = current_rollups(OrgUnit.objects.filter(pk__in=[u.pk for u in units]))
    return {r.unit_id: {name: getattr(r, name) for name in FIGURE_NAMES} for r in rows}


@pytest.fixture
def district(make_entry, teacher, colleague, teacher_b, school_a, school_b, long_ago):
    today = timezone.localdate()
    on = make_entry(teacher, school_a, comments="on", privacy="public", registered=long_ago)
    make_entry(colleague, school_a, comments="moderated", next_review_due=today - datetime.timedelta(days=3))
    make_entry(teacher_b, school_b, comments="off")
    for d in (1, 2, 5, 40):
        CheckIn.objects.create(
            entry=on, period_start=today - datetime.timedelta(days=d), comment_setting="on", checked_by=teacher
        )
    MissedCheckIn.objects.create(entry=on, period_start=today - datetime.timedelta(days=3), comment_setting="on")
    return on


def test_the_rollup_equals_the_live_computation(district, school_a, school_b):
    units = [school_a, school_b]
    assert _rolled(units) == _live(units)
    assert _live(units)[school_a.pk]["active"] == 2


def test_a_check_in_through_the_service_updates_the_rollup_1_4_3(district, school_a, school_b, teacher):
    _rolled([school_a, school_b])
    CheckIn.objects.filter(entry=district, period_start=timezone.localdate()).delete()
    record_checkin(user=teacher, entry=district)
    rolled = _rolled([school_a, school_b])
    assert rolled == _live([school_a, school_b])
    assert rolled[school_a.pk]["weekly_made"][-1] >= 1


def test_disabling_an_account_updates_the_rollup_1_4_2(district, school_a, school_b, principal):
    before = _rolled([school_a, school_b])[school_a.pk]["active"]
    disable_account(actor=principal, entry=district, reason="Comments left unmoderated")
    rolled = _rolled([school_a, school_b])
    assert rolled[school_a.pk]["active"] == before - 1
    assert rolled == _live([school_a, school_b])


def test_only_the_changed_unit_is_computed_again(district, school_a, school_b, make_entry, teacher):
    _rolled([school_a, school_b])
    computed = dict(UnitRollup.objects.values_list("unit_id", "computed_at"))
    make_entry(teacher, school_a, handle="another")
    _rolled([school_a, school_b])
    after = dict(UnitRollup.objects.values_list("unit_id", "computed_at"))
    assert after[school_b.pk] == computed[school_b.pk]
    assert after[school_a.pk] != computed[school_a.pk]


def test_missed_periods_recorded_in_bulk_by_the_moderation_sweep_reach_the_rollup_1_4_3(
    make_entry, teacher, school_a, long_ago
):
    make_entry(teacher, school_a, comments="on", registered=long_ago)
    assert _rolled([school_a])[school_a.pk]["missed_30"] == 0
    run_sweep("moderation")  # bulk-inserts the missed days of the last week, no per-row signal
    rolled = _rolled([school_a])
    assert rolled[school_a.pk]["missed_30"] > 0
    assert rolled == _live([school_a])


def test_a_rollup_of_another_day_is_computed_again(district, school_a):
    _rolled([school_a])
    UnitRollup.objects.update(for_day=timezone.localdate() - datetime.timedelta(days=1), active=99)
    assert _rolled([school_a])[school_a.pk]["active"] == 2


def test_a_change_committed_while_the_rollup_was_computed_is_not_lost(district, school_a, teacher, make_entry):
    from oversight import rollups

    current_rollups(OrgUnit.objects.filter(pk=school_a.pk))
    changes = UnitRollup.objects.get(pk=school_a.pk).changes
    make_entry(teacher, school_a, handle="late")  # marks the row: changes + 1
    rollups.refresh({school_a.pk: changes}, timezone.localdate())  # a refresh that read the row before
    row = UnitRollup.objects.get(pk=school_a.pk)
    assert row.computed_changes == changes < row.changes  # still marked: the next view computes it again
    assert _rolled([school_a])[school_a.pk]["active"] == 3


def test_the_dashboard_totals_and_trend_are_the_sums_of_the_live_figures(
    district, school_a, school_b, client_for, district_admin
):
    response = client_for(district_admin).get(reverse("oversight:dashboard"))
    live = district_figures([school_a, school_b])
    totals = response.context["totals"]
    assert totals["active"] == sum(f.active for f in live) == 3
    assert totals["public"] == sum(f.public for f in live)
    assert totals["overdue"] == sum(f.overdue_reviews for f in live) == 1
    trend = compliance_over_time([school_a.pk, school_b.pk])
    assert [(t["made"], t["missed"]) for t in response.context["trend"]] == [(t["made"], t["missed"]) for t in trend]


def test_the_cached_compliance_report_follows_a_change_to_the_unit_1_4_3(district, school_a, principal, client_for):
    client = client_for(principal)
    url = reverse("oversight:compliance", args=[school_a.code])
    assert "1 missed in the last 7 days" in client.get(url).content.decode()
    MissedCheckIn.objects.get(entry=district).delete()
    assert "1 missed in the last 7 days" not in client.get(url).content.decode()
    for d in (1, 2):
        MissedCheckIn.objects.create(
            entry=district, period_start=timezone.localdate() - datetime.timedelta(days=d), comment_setting="on"
        )
    assert "2 missed in the last 7 days" in client.get(url).content.decode()


def test_the_nightly_refresh_leaves_the_first_view_of_the_day_nothing_to_compute(
    district, school_a, school_b, django_assert_num_queries
):
    """Issue 19: the `rollups` sweep (00:45 and 07:45) computes the day's figures before anyone looks."""
    current_rollups(OrgUnit.objects.all())  # yesterday's rows, as the last view of a day leaves them
    UnitRollup.objects.update(for_day=timezone.localdate() - datetime.timedelta(days=1))
    result = run_sweep("rollups", day=timezone.localdate())
    assert result.counts["units"] == 2 and not result.planned
    rows = UnitRollup.objects.filter(unit__in=[school_a, school_b])
    assert {r.for_day for r in rows} == {timezone.localdate()}
    assert all(r.computed_changes == r.changes for r in rows)
    with django_assert_num_queries(2):  # the staleness check and the rows: no unit is computed again
        list(current_rollups(OrgUnit.objects.all()))
    assert _rolled([school_a, school_b]) == _live([school_a, school_b])
