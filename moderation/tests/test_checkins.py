"""Moderation check-ins (AP 1311 §1.4.3): who, when, once per period; the one-click e-mail link."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from audit.models import AuditEvent
from moderation import services
from moderation.links import checkin_url, make_token
from moderation.models import CheckIn, MissedCheckIn
from moderation.selectors import due_for

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 11, 27)


def test_owner_checks_in_once_per_day_when_comments_are_on_per_1_4_3(make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a, comments="on")
    checkin, created = services.record_checkin(user=teacher, entry=entry, day=FRIDAY)
    again, created_again = services.record_checkin(user=teacher, entry=entry, day=FRIDAY)
    assert created and not created_again and again == checkin
    assert checkin.period_start == FRIDAY
    assert AuditEvent.objects.filter(action="moderation.checked_in").count() == 1


def test_moderated_accounts_check_in_weekly(make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a, comments="moderated")
    services.record_checkin(user=teacher, entry=entry, day=FRIDAY)
    _, created = services.record_checkin(user=teacher, entry=entry, day=FRIDAY - datetime.timedelta(days=3))
    assert not created
    assert CheckIn.objects.get().period_start == datetime.date(2026, 11, 23)  # the Monday


def test_comments_off_needs_no_check_in(make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a, comments="off")
    with pytest.raises(services.CheckInError, match="Comments are off"):
        services.record_checkin(user=teacher, entry=entry, day=FRIDAY)
    assert due_for(teacher, FRIDAY) == []


def test_co_admin_may_check_in_but_a_colleague_may_not(make_entry, teacher, colleague, principal, school_a):
    entry = make_entry(teacher, school_a)
    with pytest.raises(services.CheckInError, match="owner or a co-administrator"):
        services.record_checkin(user=colleague, entry=entry, day=FRIDAY)
    with pytest.raises(services.CheckInError):
        services.record_checkin(user=principal, entry=entry, day=FRIDAY)
    entry.co_admins.add(colleague)
    assert services.record_checkin(user=colleague, entry=entry, day=FRIDAY)[1]


def test_disabled_account_needs_no_check_in(make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a, status="disabled")
    with pytest.raises(services.CheckInError, match="not active"):
        services.record_checkin(user=teacher, entry=entry, day=FRIDAY)


def test_due_list_shows_unchecked_accounts_for_today(make_entry, teacher, school_a):
    on = make_entry(teacher, school_a, comments="on", handle="daily")
    weekly = make_entry(teacher, school_a, comments="moderated", handle="weekly")
    make_entry(teacher, school_a, comments="off", handle="off")
    assert {e.handle for e, _ in due_for(teacher, FRIDAY)} == {"daily", "weekly"}
    services.record_checkin(user=teacher, entry=on, day=FRIDAY)
    assert [e for e, _ in due_for(teacher, FRIDAY)] == [weekly]


def test_portal_one_click_check_in(client_for, make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a)
    client = client_for(teacher)
    response = client.post(reverse("moderation:checkin", args=[entry.pk]), {"next": "/home/"}, follow=True)
    assert "Check-in recorded" in response.content.decode()
    assert CheckIn.objects.filter(entry=entry, via="portal").count() == 1


def test_portal_check_in_on_someone_elses_account_is_404_or_refused(
    client_for, make_entry, teacher, teacher_b, colleague, school_a
):
    entry = make_entry(teacher, school_a)
    assert client_for(teacher_b).post(reverse("moderation:checkin", args=[entry.pk])).status_code == 404
    assert client_for(colleague).post(reverse("moderation:checkin", args=[entry.pk])).status_code == 404
    assert not CheckIn.objects.exists()


def test_home_page_lists_due_check_ins_with_a_button(client_for, make_entry, teacher, school_a):
    make_entry(teacher, school_a, handle="room12")
    body = client_for(teacher).get(reverse("home")).content.decode()
    assert "Comment check-ins due" in body and "@room12" in body


class TestEmailLink:
    def _url(self, entry, user, day):
        return checkin_url(entry_id=entry.pk, user_id=user.pk, period_start=day)

    def test_valid_link_shows_a_confirmation_and_post_records_without_signing_in(
        self, client, make_entry, teacher, school_a
    ):
        entry = make_entry(teacher, school_a)
        with time_machine.travel(datetime.datetime(2026, 11, 27, 9, 0, tzinfo=datetime.UTC), tick=False):
            today = datetime.date(2026, 11, 27)
            url = self._url(entry, teacher, today)
            page = client.get(url)
            assert page.status_code == 200 and "I checked the comments" in page.content.decode()
            assert not CheckIn.objects.exists()  # GET changes nothing (mail scanners open links)
            done = client.post(url)
        assert "Recorded" in done.content.decode()
        assert CheckIn.objects.get().via == "email"
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("home")).status_code == 302  # still not signed in

    def test_reused_link_records_nothing_more(self, client, make_entry, teacher, school_a):
        entry = make_entry(teacher, school_a)
        with time_machine.travel(datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC), tick=False):
            url = self._url(entry, teacher, datetime.date(2026, 11, 27))
            client.post(url)
            again = client.post(url)
        assert "Already recorded" in again.content.decode()
        assert CheckIn.objects.count() == 1

    def test_expired_link_is_refused(self, client, make_entry, teacher, school_a):
        entry = make_entry(teacher, school_a)
        with time_machine.travel(datetime.datetime(2026, 11, 25, 16, 0, tzinfo=datetime.UTC), tick=False):
            url = self._url(entry, teacher, datetime.date(2026, 11, 25))
        with time_machine.travel(datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC), tick=False):
            response = client.post(url)
        assert response.status_code == 410
        assert not CheckIn.objects.exists()

    def test_link_for_a_past_day_is_refused_even_if_not_expired(self, client, make_entry, teacher, school_a):
        entry = make_entry(teacher, school_a)
        with time_machine.travel(datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC), tick=False):
            url = self._url(entry, teacher, datetime.date(2026, 11, 27))
        with time_machine.travel(datetime.datetime(2026, 11, 28, 17, 0, tzinfo=datetime.UTC), tick=False):
            response = client.post(url)
        assert response.status_code == 410 and "is over" in response.content.decode()
        assert not CheckIn.objects.exists()

    def test_tampered_link_is_refused(self, client, make_entry, teacher, school_a):
        entry = make_entry(teacher, school_a)
        url = self._url(entry, teacher, datetime.date.today())
        response = client.post(url[:-3] + ("AAA" if not url.endswith("AAA/") else "BBB") + "/")
        assert response.status_code == 400
        forged = signing.dumps({"e": entry.pk, "u": teacher.pk, "p": "2026-11-27"}, salt="another-purpose")
        assert client.post(reverse("moderation:link", args=[forged])).status_code == 400
        assert not CheckIn.objects.exists()

    def test_link_for_someone_who_no_longer_administers_the_account_is_refused(
        self, client, make_entry, teacher, colleague, school_a
    ):
        entry = make_entry(teacher, school_a)
        with time_machine.travel(datetime.datetime(2026, 11, 27, 18, 0, tzinfo=datetime.UTC), tick=False):
            token = make_token(entry_id=entry.pk, user_id=colleague.pk, period_start=datetime.date(2026, 11, 27))
            response = client.post(reverse("moderation:link", args=[token]))
        assert response.status_code == 403
        assert not CheckIn.objects.exists()


def test_missed_periods_are_recorded_once_and_never_before_registration(make_entry, teacher, school_a, long_ago):
    import django.utils.timezone as tz

    recent = tz.make_aware(datetime.datetime(2026, 11, 24, 15))
    daily = make_entry(teacher, school_a, handle="daily", registered=long_ago)
    new = make_entry(teacher, school_a, handle="new", registered=recent)
    services.record_checkin(user=teacher, entry=daily, day=datetime.date(2026, 11, 25))
    assert services.record_missed_periods(day=FRIDAY, window_periods=7) > 0
    assert services.record_missed_periods(day=FRIDAY, window_periods=7) == 0  # twice: nothing more
    missed_daily = set(MissedCheckIn.objects.filter(entry=daily).values_list("period_start", flat=True))
    assert missed_daily == {datetime.date(2026, 11, d) for d in (20, 21, 22, 23, 24, 26)}
    missed_new = set(MissedCheckIn.objects.filter(entry=new).values_list("period_start", flat=True))
    assert missed_new == {datetime.date(2026, 11, 25), datetime.date(2026, 11, 26)}
