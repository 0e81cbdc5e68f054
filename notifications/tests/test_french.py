"""Notifications in French (issue 17): the list page, and the kinds' words in the recipient's language."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.models import User
from notifications.services import email_message, notify, render_notification
from notifications.tests.test_kinds import KINDS, LOOPS_OF_TUPLES, NUMBERS, Context

pytestmark = pytest.mark.django_db


def _french(user):
    User.objects.filter(pk=user.pk).update(language="fr-ca")
    user.refresh_from_db()
    return user


def test_the_notification_list_is_in_french(client_for, teacher):
    _french(teacher)
    client = client_for(teacher)
    empty = client.get(reverse("notifications:list")).content.decode()
    assert "Aucune notification pour l’instant." in empty and "No notifications yet" not in empty
    notify(recipient=teacher, kind="registry.co_admin_added", context={"actor": teacher, "entry": "@classe5a"})
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Tout marquer comme lu" in page and "Non lues seulement" in page and ">Notifications</h1>" in page
    assert "Vous êtes coadministrateur de @classe5a" in page
    assert "Mark all as read" not in page and "Unread only" not in page
    response = client.post(reverse("notifications:mark_all_read"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 notification marquée comme lue."]


def test_a_request_decision_is_written_in_the_requesters_language(teacher, principal):
    class Request:
        title = "Classe 5A"
        platform = "Instagram"
        account_email = "classe5a@sd.example"
        decision_comment = ""

    _french(teacher)
    subject, body = render_notification(
        "request.approved", {"request": Request(), "decider": principal}, recipient=teacher
    )
    assert subject == "Approuvée : Classe 5A"  # a subject is one line of plain spaces (one_line)
    assert body.startswith(
        f"{principal.short_name} a approuvé votre demande pour «\u00a0Classe 5A\u00a0» sur Instagram."
    )
    english_subject, _ = render_notification("request.approved", {"request": Request(), "decider": principal})
    assert english_subject == "Approved: Classe 5A"


def test_plurals_follow_the_count_in_french(teacher):
    _french(teacher)
    one, _ = render_notification("reminder.pending_approvals", {"count": 1, "requests": []}, recipient=teacher)
    two, _ = render_notification("reminder.pending_approvals", {"count": 2, "requests": []}, recipient=teacher)
    assert one == "1 demande de compte attend votre décision"
    assert two == "2 demandes de compte attendent votre décision"


def test_a_french_recipients_email_frame_is_french(teacher):
    _french(teacher)
    notification = notify(
        recipient=teacher, kind="registry.co_admin_added", context={"actor": teacher, "entry": "@x"}, url="/home/"
    )
    message = email_message(notification)
    html, _ = message.alternatives[0]
    assert '<html lang="fr-ca">' in html and "Ouvrir dans le portail" in html and "Ou copiez cette adresse" in html
    assert message.body.rstrip().endswith("Portail AP 1311 Médias sociaux pour l’apprentissage")


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_has_a_french_subject(kind, teacher):
    """Each kind's subject is written in French for a French recipient (the stand-in context of test_kinds)."""
    _french(teacher)
    context = Context({**NUMBERS, **LOOPS_OF_TUPLES})
    french_subject, french_body = render_notification(kind, context, recipient=teacher)
    english_subject, _ = render_notification(kind, context)
    assert french_subject and french_body and "\n" not in french_subject
    assert french_subject != english_subject
