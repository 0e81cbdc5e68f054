"""Comment moderation in French (issue 17, §1.4.3): the one-click link's pages, the portal's messages
and the words the sweep puts into reminders follow the person's language."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from moderation.links import checkin_url
from moderation.sweeps import MissedInWindow
from notifications.models import Notification
from notifications.sweeps import run_sweep

pytestmark = pytest.mark.django_db
FRIDAY = datetime.date(2026, 11, 27)
FRIDAY_MORNING = datetime.datetime(2026, 11, 27, 17, 0, tzinfo=datetime.UTC)  # 09:00 in Vancouver


def _french(user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    return user


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_the_one_click_link_pages_are_in_french(client, make_entry, teacher, school_a):
    entry = make_entry(teacher, school_a, comments="on")
    url = checkin_url(entry_id=entry.pk, user_id=teacher.pk, period_start=FRIDAY)
    with time_machine.travel(FRIDAY_MORNING, tick=False):
        page = _main(client.get(url, HTTP_ACCEPT_LANGUAGE="fr-CA"))
        assert "Vérification des commentaires" in page and "J’ai vérifié les commentaires" in page
        assert "vendredi 27 novembre" in page  # the period, with French day and month names
        assert "Comment check-in" not in page and "Friday" not in page
        done = _main(client.post(url, HTTP_ACCEPT_LANGUAGE="fr-CA"))
    assert "Enregistré\u00a0: vous avez vérifié les commentaires pour vendredi 27 novembre." in done
    assert "Recorded" not in done


def test_a_broken_link_says_so_in_french(client):
    page = _main(client.get(reverse("moderation:link", args=["nonsense"]), HTTP_ACCEPT_LANGUAGE="fr-CA"))
    assert "Ce lien de vérification n’est pas valide." in page and "Se connecter au portail" in page
    assert "This check-in link is not valid." not in page


def test_the_portal_check_in_message_is_in_french(client_for, make_entry, teacher, school_a):
    entry = make_entry(_french(teacher), school_a, comments="on", handle="room12")
    response = client_for(teacher).post(reverse("moderation:checkin", args=[entry.pk]), {"next": "/"}, follow=True)
    body = response.content.decode()
    assert "Vérification enregistrée pour" in body and "aujourd’hui. Merci." in body
    assert "Check-in recorded" not in body


def test_the_reminder_says_today_in_the_owners_language(make_entry, teacher, school_a, long_ago):
    make_entry(_french(teacher), school_a, handle="daily", registered=long_ago)
    run_sweep("moderation", day=FRIDAY)
    reminder = Notification.objects.get(recipient=teacher, kind="reminder.moderation")
    assert "aujourd’hui" in reminder.body and ", today:" not in reminder.body


def test_an_escalations_count_is_written_in_the_readers_language():
    missed = MissedInWindow(3, 7, daily=False)
    assert str(missed) == "3 of the last 7 weeks missed"
    with translation.override("fr-ca"):
        assert str(missed) == "3 manquée(s) sur les 7 dernières semaines"
