"""District dashboard and per-unit compliance report: figures against hand-computed fixtures,
scoping, and query counts that do not grow with the data."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.acknowledgements import STATEMENTS
from approvals.models import AccountRequest, Acknowledgement
from catalogue.models import Platform
from moderation.models import CheckIn, MissedCheckIn
from oversight.reports import district_figures, unit_compliance

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)


def _approved_request(requester, unit, *, network="private", justification="", decided_days_after=2, acks=True):
    submitted = timezone.make_aware(datetime.datetime(2026, 9, 1, 9))
    r = AccountRequest.objects.create(
        requester=requester,
        org_unit=unit,
        platform=Platform.objects.get_or_create(name="Instagram")[0],
        status=AccountRequest.Status.APPROVED,
        title="Class page",
        description="d",
        intended_audience="Gr 5",
        network=network,
        public_justification=justification,
        account_email=requester.email,
        identification_text="Ridgeview Grade 5, a district site",
        school_website_url="https://ridgeview.sd.example",
        submitted_at=submitted,
        decided_at=submitted + datetime.timedelta(days=decided_days_after),
        decided_by=requester,
    )
    if acks:
        for s in STATEMENTS:
            Acknowledgement.objects.create(
                request=r, statement=s.code, statement_version=s.version, acknowledged_by=requester
            )
    return r


@pytest.fixture
def figures_fixture(make_entry, teacher, colleague, teacher_b, school_a, school_b, long_ago):
    youtube = Platform.objects.create(name="YouTube")
    a1 = make_entry(teacher, school_a, comments="on", privacy="public", registered=long_ago)
    make_entry(colleague, school_a, comments="off", platform=youtube, registered=long_ago)
    make_entry(colleague, school_a, comments="moderated", next_review_due=TODAY - datetime.timedelta(days=1))
    make_entry(teacher, school_a, comments="on", status="disabled")
    make_entry(teacher_b, school_b, comments="on")
    # a1: 3 check-ins and 1 miss in the last 30 days, plus 1 miss 60 days ago.
    for d in (1, 2, 3):
        CheckIn.objects.create(
            entry=a1, period_start=TODAY - datetime.timedelta(days=d), comment_setting="on", checked_by=teacher
        )
    MissedCheckIn.objects.create(entry=a1, period_start=TODAY - datetime.timedelta(days=4), comment_setting="on")
    MissedCheckIn.objects.create(entry=a1, period_start=TODAY - datetime.timedelta(days=60), comment_setting="on")
    _approved_request(teacher, school_a, decided_days_after=2)
    _approved_request(colleague, school_a, decided_days_after=4)
    _approved_request(teacher, school_a, decided_days_after=9)
    return a1


def test_district_figures_match_hand_computed_values(figures_fixture, school_a, school_b):
    a, b = district_figures([school_a, school_b], today=TODAY)
    assert a.active == 3
    assert a.by_platform == {"Instagram": 2, "YouTube": 1}
    assert (a.public, a.private, a.public_share) == (1, 2, 33.3)
    assert a.comments == {"off": 1, "moderated": 1, "on": 1}
    assert a.overdue_reviews == 1
    assert (a.checkins_30, a.missed_30, a.compliance_30) == (3, 1, 75.0)
    assert (a.checkins_90, a.missed_90, a.compliance_90) == (3, 2, 60.0)
    assert (a.decided, a.median_decision_days) == (3, 4.0)
    assert (b.active, b.compliance_30, b.median_decision_days) == (1, None, None)


def test_dashboard_query_count_does_not_grow_with_data(
    client_for, district_admin, figures_fixture, make_entry, teacher, school_a, django_assert_max_num_queries
):
    client = client_for(district_admin)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("oversight:dashboard")).status_code == 200
    for i in range(30):
        make_entry(teacher, school_a, handle=f"more{i}")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("oversight:dashboard"))
    assert response.context["totals"]["active"] == 1 + 30 + 3


def test_dashboard_shows_chart_data_and_accessible_table(client_for, district_admin, figures_fixture):
    body = client_for(district_admin).get(reverse("oversight:dashboard")).content.decode()
    assert 'id="chart-data"' in body and "chart.umd.min" in body
    assert "<caption>2 units</caption>" in body
    assert "<script>" not in body  # no inline script under the CSP


def test_approver_dashboard_is_scoped_and_employee_is_refused(client_for, principal, teacher, figures_fixture):
    response = client_for(principal).get(reverse("oversight:dashboard"))
    assert [f.unit.code for f in response.context["page"].object_list] == ["ridgeview"]
    assert client_for(teacher).get(reverse("oversight:dashboard")).status_code == 403


class TestComplianceReport:
    """One fixture per clause failing; everything else satisfied."""

    @pytest.fixture
    def good(self, make_entry, teacher, colleague, school_a, long_ago):
        request = _approved_request(teacher, school_a)
        entry = make_entry(
            teacher,
            school_a,
            comments="off",
            request=request,
            registered=long_ago,
            next_review_due=TODAY + datetime.timedelta(days=30),
            password="s3cret-pw",
            identification_text=request.identification_text,
            school_website_url=request.school_website_url,
        )
        entry.co_admins.add(colleague)  # §1.4.5: a backup administrator
        return entry

    def _verdicts(self, unit):
        from oversight.reports import CLAUSES

        (row,) = unit_compliance(unit, today=TODAY)
        return {code: v.ok for (code, _), v in zip(CLAUSES, row["verdicts"], strict=True)}

    def test_a_compliant_account_satisfies_every_clause(self, good, school_a):
        assert all(self._verdicts(school_a).values())

    def test_1_1_1_personal_recovery_email_fails(self, good, school_a):
        type(good).objects.filter(pk=good.pk).update(recovery_email="someone@gmail.com")
        assert self._failing(school_a) == ["1.1.1"]

    def test_1_2_3_missing_acknowledgements_fail(self, good, school_a):
        good.request.acknowledgements.first().delete()
        assert self._failing(school_a) == ["1.2.3"]

    def test_1_2_4_missing_identification_fails(self, good, school_a):
        type(good).objects.filter(pk=good.pk).update(identification_text=" ")
        assert self._failing(school_a) == ["1.2.4"]

    def test_1_2_4_reads_the_accounts_own_record_not_the_request(self, good, school_a):
        # The request keeps what was agreed; the verdict follows what the registry entry carries now.
        AccountRequest.objects.filter(pk=good.request_id).update(identification_text="", school_website_url="")
        assert self._failing(school_a) == []
        type(good).objects.filter(pk=good.pk).update(school_website_url="")
        assert self._failing(school_a) == ["1.2.4"]

    def test_1_4_3_recent_missed_check_in_fails(self, good, school_a, teacher):
        type(good).objects.filter(pk=good.pk).update(comment_setting="on")
        MissedCheckIn.objects.create(entry=good, period_start=TODAY - datetime.timedelta(days=2), comment_setting="on")
        assert self._failing(school_a) == ["1.4.3"]

    def test_1_4_4_public_without_stated_need_fails(self, good, school_a):
        type(good).objects.filter(pk=good.pk).update(privacy="public")
        assert self._failing(school_a) == ["1.4.4"]

    def test_1_4_5_rotation_needed_fails(self, good, school_a):
        type(good).objects.filter(pk=good.pk).update(needs_password_rotation=True)
        assert self._failing(school_a) == ["1.4.5"]

    def test_1_4_6_registered_before_approval_fails(self, good, school_a):
        AccountRequest.objects.filter(pk=good.request_id).update(decided_at=timezone.now())
        assert self._failing(school_a) == ["1.4.6"]

    def test_1_2_1_3_overdue_review_fails(self, good, school_a):
        type(good).objects.filter(pk=good.pk).update(next_review_due=TODAY - datetime.timedelta(days=1))
        assert self._failing(school_a) == ["1.2.1.3"]

    def _failing(self, unit):
        return [c for c, ok in self._verdicts(unit).items() if not ok]

    def test_report_page_and_csv_are_scoped_and_the_export_is_audited(
        self, good, client_for, principal, principal_b, school_a
    ):
        from audit.models import AuditEvent

        assert client_for(principal_b).get(reverse("oversight:compliance", args=[school_a.code])).status_code == 404
        client = client_for(principal)
        page = client.get(reverse("oversight:compliance", args=[school_a.code]))
        assert page.status_code == 200 and "1 of 1 account" in page.content.decode()
        response = client.get(reverse("oversight:compliance_export", args=[school_a.code]))
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][4].startswith("§1.1.1") and rows[1][4].startswith("yes")
        assert "s3cret-pw" not in response.content.decode()
        assert AuditEvent.objects.filter(action="compliance.exported", actor=principal).count() == 1
