import pytest
from django.urls import reverse

from approvals.models import AccountRequest
from catalogue.models import Platform

pytestmark = pytest.mark.django_db


def _request(requester, unit, status=AccountRequest.Status.SUBMITTED, title="Room 12 class page"):
    from django.utils import timezone

    platform, _ = Platform.objects.get_or_create(name="Instagram")
    return AccountRequest.objects.create(
        requester=requester,
        org_unit=unit,
        platform=platform,
        status=status,
        title=title,
        description="d",
        intended_audience="Grade 5",
        account_email=requester.email,
        identification_text="Ridgeview Grade 5",
        school_website_url="https://ridgeview.sd.example",
        submitted_at=timezone.now() if status != AccountRequest.Status.DRAFT else None,
    )


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_landing_redirects_signed_in_user_home(client_for, teacher):
    assert client_for(teacher).get("/")["Location"] == reverse("home")


def test_employee_home_lists_own_requests_only(client_for, teacher, colleague, school_a):
    _request(teacher, school_a, title="Tara's class blog")
    _request(colleague, school_a, title="Cole's class blog")
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert "Tara&#x27;s class blog" in body
    assert "Cole&#x27;s class blog" not in body
    assert "For your decision" not in body
    assert "Ridgeview Elementary" in body


def test_approver_home_shows_waiting_requests_of_own_units_only(
    client_for, principal, teacher, teacher_b, school_a, school_b
):
    _request(teacher, school_a, title="Ridgeview garden blog")
    _request(teacher_b, school_b, title="Lakeside robotics page")
    _request(teacher, school_a, status=AccountRequest.Status.DRAFT, title="Unsent draft")
    response = client_for(principal).get(reverse("home"))
    body = response.content.decode()
    assert "For your decision" in body
    assert "Ridgeview garden blog" in body
    assert "Lakeside robotics page" not in body
    assert "Unsent draft" not in body
    assert response.context["waiting_for_me_count"] == 1


def test_approver_never_sees_own_request_as_waiting_for_their_decision(client_for, principal, school_a):
    _request(principal, school_a, title="Principal's own page")
    response = client_for(principal).get(reverse("home"))
    assert response.context["waiting_for_me_count"] == 0


def test_navigation_follows_roles(client_for, teacher, district_admin):
    assert "District admin" not in client_for(teacher).get(reverse("home")).content.decode()
    assert "District admin" in client_for(district_admin).get(reverse("home")).content.decode()


def test_today_says_nothing_is_due_when_nothing_is(client_for, teacher):
    from outreach.services import attest_personal_use
    from outreach.statements import ATTESTATION_CODES

    attest_personal_use(user=teacher, statements=ATTESTATION_CODES)
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert '<div class="today-items"></div>' in body


def test_today_lists_a_due_check_in(client_for, teacher, school_a, make_entry):
    make_entry(teacher, school_a, handle="room12", comments="on")
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert '<div class="today-items"></div>' not in body
    assert "@room12" in body


def test_the_approver_panel_ranks_this_weeks_missed_check_ins_of_own_units_1_4_3(
    client_for, principal, teacher, teacher_b, school_a, school_b, make_entry
):
    import datetime

    from django.utils import timezone

    from moderation.models import MissedCheckIn

    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    this_week = [monday - datetime.timedelta(days=1), monday]  # the panel counts from Sunday
    busy = make_entry(teacher, school_a, handle="often_missed")
    quiet = make_entry(teacher, school_a, handle="once_missed")
    elsewhere = make_entry(teacher_b, school_b, handle="other_school")
    for entry, days in ((busy, this_week), (quiet, this_week[:1]), (elsewhere, this_week)):
        for day in days:
            MissedCheckIn.objects.create(entry=entry, period_start=day, comment_setting="on")
    body = client_for(principal).get(reverse("home")).content.decode()
    panel = body[body.index('id="missed-heading"') :]
    assert panel.index("often_missed") < panel.index("2 missed") < panel.index("once_missed")
    assert "other_school" not in body and teacher.email in panel
