"""Issue 12 in outreach: forms that create something are safe to send twice, and one-line fields
refuse line breaks (a line break in an outlet or a title once reached an e-mail subject)."""

import pytest
import time_machine
from django.urls import reverse

from core.once import FIELD_NAME, new_token
from core.text import SINGLE_LINE_MESSAGE
from notifications.models import Notification
from outreach.models import MediaInquiry, PersonalUseAttestation, SchoolEvent
from outreach.statements import ATTESTATION_CODES

from .conftest import local

pytestmark = pytest.mark.django_db


def _inquiry(school_a, **changes):
    return {
        "org_unit": school_a.pk,
        "received_via": "Room 12 blog",
        "outlet": "City News",
        "contact_name": "Sam",
        "contact_details": "",
        "question": "Interview about the science fair?",
        "deadline": "2030-02-01T16:00",
        **changes,
    }


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_media_inquiry_sent_twice_is_logged_once_and_the_manager_told_once_per_1_5_1(
    client_for, teacher, school_a, comms
):
    client = client_for(teacher)
    data = {**_inquiry(school_a), FIELD_NAME: new_token()}
    first = client.post(reverse("outreach:inquiry_create"), data)
    second = client.post(reverse("outreach:inquiry_create"), data, follow=True)
    inquiry = MediaInquiry.objects.get()
    assert first["Location"] == second.redirect_chain[0][0] == reverse("outreach:inquiry_detail", args=[inquiry.pk])
    assert "Already submitted: here is your inquiry." in _messages(second)
    assert Notification.objects.filter(recipient=comms, kind="inquiry.logged").count() == 1


def test_an_event_sent_twice_is_recorded_once(client_for, teacher, school_a):
    data = {
        "org_unit": school_a.pk,
        "title": "Winter concert",
        "starts_at": "2026-12-10T10:00",
        "organiser": teacher.pk,
        FIELD_NAME: new_token(),
    }
    client = client_for(teacher)
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        client.post(reverse("outreach:event_create"), data)
        second = client.post(reverse("outreach:event_create"), data, follow=True)
    event = SchoolEvent.objects.get()
    assert second.redirect_chain[0][0] == reverse("outreach:event_detail", args=[event.pk])
    assert "Already submitted: here is your event." in _messages(second)


def test_the_attestation_sent_twice_says_it_is_already_recorded_not_an_error_per_2(client_for, teacher):
    data = {**{code: "on" for code in ATTESTATION_CODES}, FIELD_NAME: new_token()}
    client = client_for(teacher)
    client.post(reverse("outreach:attestation"), data)
    second = client.post(reverse("outreach:attestation"), data, follow=True)
    assert PersonalUseAttestation.objects.filter(user=teacher).count() == 1
    assert "Already submitted: here is your confirmation." in _messages(second)


def test_an_outlet_with_a_line_break_is_refused_at_its_field_and_nothing_typed_is_lost(client_for, teacher, school_a):
    response = client_for(teacher).post(
        reverse("outreach:inquiry_create"), _inquiry(school_a, outlet="City News\r\nBcc: all@sd.example")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["outlet"] == [SINGLE_LINE_MESSAGE]
    assert "Interview about the science fair?" in response.content.decode()
    assert not MediaInquiry.objects.exists()


def test_an_event_title_with_a_line_break_is_refused(client_for, teacher, school_a):
    with time_machine.travel(local(2026, 12, 1, 9), tick=False):
        response = client_for(teacher).post(
            reverse("outreach:event_create"),
            {
                "org_unit": school_a.pk,
                "title": "Winter\nconcert",
                "starts_at": "2026-12-10T10:00",
                "organiser": teacher.pk,
            },
        )
    assert response.context["form"].errors["title"] == [SINGLE_LINE_MESSAGE]
    assert not SchoolEvent.objects.exists()


def test_a_question_longer_than_4000_characters_is_refused(client_for, teacher, school_a):
    response = client_for(teacher).post(
        reverse("outreach:inquiry_create"), _inquiry(school_a, question="x" * 1_000_000)
    )
    assert "question" in response.context["form"].errors
    assert not MediaInquiry.objects.exists()
