"""§1.5.1: an inquiry can name the registered account it came through."""

import pytest
from django.urls import reverse

from outreach import services
from outreach.models import MediaInquiry

pytestmark = pytest.mark.django_db


def test_inquiry_through_a_registered_account_links_it(log_inquiry, make_entry, teacher, school_a, comms):
    entry = make_entry(teacher, school_a, handle="room12")
    inquiry = log_inquiry(teacher, school_a, registry_entry=entry, received_via="")
    assert inquiry.registry_entry == entry
    assert "@room12" in inquiry.received_via


def test_someone_elses_account_is_refused(log_inquiry, make_entry, teacher, colleague, school_a):
    entry = make_entry(colleague, school_a)
    with pytest.raises(services.OutreachError):
        log_inquiry(teacher, school_a, registry_entry=entry)
    assert not MediaInquiry.objects.exists()


def test_form_requires_an_account_or_a_description_and_keeps_input(client_for, teacher, school_a, comms):
    response = client_for(teacher).post(
        reverse("outreach:inquiry_create"),
        {
            "org_unit": school_a.pk,
            "outlet": "Valley Gazette",
            "contact_name": "Rita",
            "question": "Visit?",
            "deadline": "2030-01-15T17:00",
        },
    )
    assert response.status_code == 200
    assert "describe the site" in response.content.decode()
    assert 'value="Valley Gazette"' in response.content.decode()
    assert not MediaInquiry.objects.exists()
