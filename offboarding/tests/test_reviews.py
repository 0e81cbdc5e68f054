"""Access reviews (recertification, issue 15): a district admin starts a review of some units with a due date,
approvers confirm account by account, unanswered items are reminded and escalated, and the answers are the
unit's compliance evidence (§1.4.5, §1.2.1.3). A new approver gets a handover review of the unit."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.factories import MembershipFactory, OrgUnitFactory, UserFactory
from accounts.models import Membership
from audit.models import AuditEvent
from core.errors import NotPermitted
from notifications.models import Notification
from notifications.sweeps import run_sweep
from offboarding import services
from offboarding.models import AccessReview, ReviewItem

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 0))  # a Monday
DUE = datetime.date(2026, 11, 20)
YES = dict(still_in_use=True, owner_right=True, co_admins_right=True, password_current=True)


@pytest.fixture
def three_units(school_a, school_b, make_entry, teacher, teacher_b, principal, principal_b):
    school_c = OrgUnitFactory(name="Hillcrest Middle", code="hillcrest")
    teacher_c = UserFactory(email="teacher.c@sd.example")
    MembershipFactory(user=teacher_c, org_unit=school_c)
    principal_c = UserFactory(email="principal.c@sd.example")
    MembershipFactory(user=principal_c, org_unit=school_c, role=Membership.Role.APPROVER)
    for owner, unit in ((teacher, school_a), (teacher_b, school_b), (teacher_c, school_c)):
        make_entry(owner, unit, handle=f"{unit.code}_news")
    return [school_a, school_b, school_c], principal_c


@pytest.fixture
def term_review(three_units, district_admin):
    units, _ = three_units
    with time_machine.travel(NOW, tick=False):
        return services.start_review(actor=district_admin, title="Autumn term", due_on=DUE, org_units=units)


def test_a_term_review_over_three_units_lists_each_active_account_1_4_5(term_review, three_units, principal):
    assert term_review.items.count() == 3
    assert AuditEvent.objects.filter(action="offboarding.review_started").count() == 1
    assert Notification.objects.filter(recipient=principal, kind="offboarding.review_started").exists()


def test_only_district_admins_start_reviews(three_units, principal):
    with pytest.raises(NotPermitted):
        services.start_review(actor=principal, title="x", due_on=DUE, org_units=three_units[0])


def test_an_approver_answers_for_their_units_accounts_and_the_answer_is_audited_1_4_5(
    term_review, principal, principal_b
):
    item = term_review.items.get(org_unit__code="ridgeview")
    with pytest.raises(NotPermitted):
        services.answer_review_item(actor=principal_b, item=item, **YES)
    services.answer_review_item(actor=principal, item=item, **{**YES, "password_current": False})
    item.refresh_from_db()
    assert item.answered_by == principal and item.password_current is False and not item.all_confirmed
    event = AuditEvent.objects.get(action="offboarding.review_answered")
    assert event.details["password_current"] is False


def test_unanswered_items_are_reminded_then_escalated_after_the_due_date_1_4_5(
    term_review, principal, principal_b, district_admin
):
    services.answer_review_item(actor=principal, item=term_review.items.get(org_unit__code="ridgeview"), **YES)
    run_sweep("access_reviews", day=datetime.date(2026, 11, 9))  # a Monday: the weekly reminder
    run_sweep("access_reviews", day=datetime.date(2026, 11, 9))
    assert not Notification.objects.filter(recipient=principal, kind="reminder.access_review").exists()
    assert Notification.objects.filter(recipient=principal_b, kind="reminder.access_review").count() == 1
    run_sweep("access_reviews", day=datetime.date(2026, 11, 10))  # neither Monday nor close to the due date
    assert Notification.objects.filter(recipient=principal_b, kind="reminder.access_review").count() == 1
    assert not Notification.objects.filter(kind="escalation.access_review").exists()
    run_sweep("access_reviews", day=DUE + datetime.timedelta(days=1))
    escalation = Notification.objects.get(recipient=district_admin, kind="escalation.access_review")
    assert "2 accounts past" in escalation.subject


def test_the_compliance_report_shows_who_confirmed_what_and_when_1_2_1_3(term_review, principal, client_for):
    services.answer_review_item(actor=principal, item=term_review.items.get(org_unit__code="ridgeview"), **YES)
    html = client_for(principal).get(reverse("oversight:compliance", args=["ridgeview"])).content.decode()
    assert "Autumn term" in html and "all confirmed" in html and principal.short_name in html


def test_the_principal_answers_from_the_review_page(term_review, principal, client_for):
    item = term_review.items.get(org_unit__code="ridgeview")
    client = client_for(principal)
    page = client.get(reverse("offboarding:review", args=[term_review.pk])).content.decode()
    assert "ridgeview_news" in page and "lakeside_news" not in page
    data = {f"{item.pk}-still_in_use": "on", f"{item.pk}-owner_right": "on", f"{item.pk}-co_admins_right": "on"}
    assert client.post(reverse("offboarding:answer", args=[item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert item.is_answered and item.owner_right and item.password_current is False


def test_a_new_approver_gets_a_handover_review_of_the_units_registry_1_4_5(make_entry, teacher, school_a, school_b):
    make_entry(teacher, school_a, handle="ridgeview_news")
    newcomer = UserFactory(email="new.principal@sd.example")
    MembershipFactory(user=newcomer, org_unit=school_a, role=Membership.Role.APPROVER)
    review = AccessReview.objects.get(handover_to=newcomer)
    assert [i.entry.handle for i in review.items.all()] == ["ridgeview_news"]
    assert Notification.objects.filter(recipient=newcomer, kind="offboarding.review_started").exists()
    # An approver of a unit with no account to review gets none.
    MembershipFactory(user=UserFactory(), org_unit=school_b, role=Membership.Role.APPROVER)
    assert AccessReview.objects.count() == 1
    assert ReviewItem.objects.count() == 1


def test_a_membership_changed_to_approver_gets_the_handover_review_too_1_4_5(make_entry, teacher, colleague, school_a):
    """Issue 15: not only a new approver membership; a teacher promoted in the admin (the role changed on the
    same membership) takes the unit's registry over just the same."""
    make_entry(teacher, school_a, handle="ridgeview_news")
    staff = Membership.objects.get(user=colleague, org_unit=school_a)
    staff.role = Membership.Role.APPROVER
    staff.save()
    review = AccessReview.objects.get(handover_to=colleague)
    assert [i.entry.handle for i in review.items.all()] == ["ridgeview_news"]
    event = AuditEvent.objects.get(action="offboarding.handover_review_started")
    assert event.details["user"] == colleague.email
    assert Notification.objects.filter(recipient=colleague, kind="offboarding.review_started").exists()
    # Saving it again (a title changed) or moving nothing starts no second review.
    staff.title = "Vice-principal"
    staff.save()
    assert AccessReview.objects.filter(handover_to=colleague).count() == 1


def test_an_approver_moved_to_another_unit_gets_that_units_review(make_entry, teacher_b, principal, school_a, school_b):
    make_entry(teacher_b, school_b, handle="lakeside_news")
    approver = Membership.objects.get(user=principal, org_unit=school_a, role=Membership.Role.APPROVER)
    approver.org_unit = school_b
    approver.save()
    review = AccessReview.objects.get(handover_to=principal)
    assert [i.entry.handle for i in review.items.all()] == ["lakeside_news"]


def test_a_directory_sync_that_makes_someone_approver_starts_the_handover_review(
    make_entry, teacher, colleague, school_a
):
    from directory.services.provisioning import sync_imported_memberships

    make_entry(teacher, school_a, handle="ridgeview_news")
    sync_imported_memberships(colleague, {(school_a.pk, Membership.Role.APPROVER): "Principal"})
    assert AccessReview.objects.filter(handover_to=colleague).count() == 1


def test_the_compliance_csv_carries_each_accounts_latest_review_answer_1_2_1_3(term_review, principal, client_for):
    import csv
    import io

    item = term_review.items.get(org_unit__code="ridgeview")
    services.answer_review_item(actor=principal, item=item, **{**YES, "password_current": False})
    response = client_for(principal).get(reverse("oversight:compliance_export", args=["ridgeview"]))
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header[-4:] == ["access_review", "access_reviewed_at", "access_reviewed_by", "access_review_not_confirmed"]
    (row,) = [r for r in rows if r[0].lstrip("'") == item.entry.display_name]  # "@…" is neutralised
    review = dict(zip(header[-4:], row[-4:], strict=True))
    item.refresh_from_db()
    assert review == {
        "access_review": "Autumn term",
        "access_reviewed_at": timezone.localtime(item.answered_at).isoformat(timespec="minutes"),
        "access_reviewed_by": principal.email,
        "access_review_not_confirmed": "password_current",
    }
    # A later answer replaces it in the evidence.
    services.answer_review_item(actor=principal, item=item, **YES)
    response = client_for(principal).get(reverse("oversight:compliance_export", args=["ridgeview"]))
    assert list(csv.reader(io.StringIO(response.content.decode())))[1][-1] == "none"
