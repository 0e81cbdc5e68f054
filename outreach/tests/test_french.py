"""Outreach in French (issue 17): media inquiries (§1.5.1), school events and the parents' announcement
(§3.1) and the yearly attestation (§2) read in French for a person whose language is fr-ca."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from outreach import services, sweeps
from outreach.statements import ATTESTATION_STATEMENTS, EVENT_ANNOUNCEMENT

from .conftest import local

pytestmark = pytest.mark.django_db
CONCERT = local(2026, 12, 10, 10)  # a Thursday, 10:00 in Vancouver


def _french(user):
    user.language = "fr-ca"
    user.save(update_fields=["language"])
    return user


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def test_the_inquiry_pages_are_in_french(client_for, teacher, comms, school_a, log_inquiry):
    inquiry = log_inquiry(teacher, school_a)
    client = client_for(_french(comms))
    listing = _main(client.get(reverse("outreach:inquiries")))
    assert "Demandes des médias" in listing and "Échéance" in listing and "En attente du gestionnaire" in listing
    assert "Media inquiries" not in listing and "Deadline" not in listing
    detail = _main(client.get(reverse("outreach:inquiry_detail", args=[inquiry.pk])))
    assert "Demande des médias de Valley Gazette" in detail and "Ce qui a été demandé" in detail
    assert "Prendre en charge" in detail and "Fermer avec cette note" in detail
    assert "Consignée par" in detail  # the history's first step: logged
    assert "What they asked" not in detail and "Close with this note" not in detail


def test_the_inquiry_form_and_its_errors_are_in_french(client_for, teacher, school_a):
    client = client_for(_french(teacher))
    form = _main(client.get(reverse("outreach:inquiry_create")))
    assert "Consigner une demande des médias" in form and "Envoyer au gestionnaire des communications" in form
    assert "Média" in form and "Journal, station, blogue ou publication." in form  # label and help text
    assert "Log a media inquiry" not in form and "media outlet" not in form
    refused = _main(client.post(reverse("outreach:inquiry_create"), {"org_unit": school_a.pk}))
    assert "Choisissez le compte inscrit au registre ou décrivez le site" in refused


def test_the_event_pages_are_in_french(client_for, teacher, school_a, make_event):
    event = make_event(_french(teacher), school_a, CONCERT, location="Gym")
    client = client_for(teacher)
    listing = _main(client.get(reverse("outreach:events")))
    assert "Événements scolaires" in listing and "Annonce «\u00a0pas de photos\u00a0»" in listing
    assert "School events" not in listing
    detail = _main(client.get(reverse("outreach:event_detail", args=[event.pk])))
    assert "Annonce à lire aux parents avant l’événement (§3.1)" in detail and "Bienvenue aux familles." in detail
    assert "jeudi" in detail and "décembre" in detail  # the start, with French day and month names
    assert "Welcome, families." not in detail and "Announcement to read to parents" not in detail


def test_the_attestation_page_and_its_statements_are_in_french(client_for, teacher, school_a):
    body = _main(client_for(_french(teacher)).get(reverse("outreach:attestation")))
    assert "Règles sur les médias sociaux personnels" in body and "Je n’identifie jamais d’élèves" in body
    assert "Personal social media rules" not in body and "I never tag students in photos." not in body


def test_a_refusal_reads_in_the_active_language(teacher, school_a, make_event):
    event = make_event(teacher, school_a, CONCERT)
    services.cancel_event(user=teacher, event_id=event.pk)
    with translation.override("fr-ca"), pytest.raises(services.OutreachError, match="Cet événement est déjà annulé."):
        services.cancel_event(user=teacher, event_id=event.pk)


def test_the_organisers_reminder_carries_the_announcement_in_their_language(make_event, teacher, school_a):
    make_event(_french(teacher), school_a, CONCERT, grades_taking_part=["4", "5"])
    with time_machine.travel(local(2026, 12, 9, 12), tick=False):
        sweeps.send_event_reminders()
    reminder = Notification.objects.get(recipient=teacher, kind="reminder.event_announcement")
    with translation.override("fr-ca"):
        assert str(EVENT_ANNOUNCEMENT) in reminder.body
    assert "jeudi 10 décembre 2026" in reminder.body  # when it starts, in French
    assert "Welcome, families" not in reminder.body


def test_the_statements_are_lazy_so_each_reader_gets_their_language():
    with translation.override("fr-ca"):
        french = [str(s.text) for s in ATTESTATION_STATEMENTS]
    english = [str(s.text) for s in ATTESTATION_STATEMENTS]
    assert french != english and "I never tag students in photos." in english
