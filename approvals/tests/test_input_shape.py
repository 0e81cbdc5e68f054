"""Awkward input on the request form (issue 12): one-line fields refuse line breaks with a clear error
at the field, long text has a ceiling, and nothing the requester typed is lost."""

import pytest
from django.urls import reverse

from approvals.models import AccountRequest
from core.text import SINGLE_LINE_MESSAGE

pytestmark = pytest.mark.django_db


def test_a_site_name_with_a_line_break_is_refused_and_everything_typed_is_kept(client_for, teacher, post_data):
    data = {**post_data, "title": "Room 12\r\nBcc: everyone@sd.example", "action": "submit"}
    response = client_for(teacher).post(reverse("approvals:create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["title"] == [SINGLE_LINE_MESSAGE]
    assert "Class news and photos of student work" in response.content.decode()
    assert not AccountRequest.objects.exists()


def test_the_intended_audience_refuses_control_characters_per_1_4_4(client_for, teacher, post_data):
    response = client_for(teacher).post(reverse("approvals:create"), {**post_data, "intended_audience": "Parents\x00"})
    assert "intended_audience" in response.context["form"].errors
    assert not AccountRequest.objects.exists()


def test_a_one_megabyte_description_is_refused(client_for, teacher, post_data):
    response = client_for(teacher).post(reverse("approvals:create"), {**post_data, "description": "x" * 1_000_000})
    assert "at most 4000 characters" in response.context["form"].errors["description"][0]
    assert not AccountRequest.objects.exists()


def test_a_description_on_several_lines_is_fine(client_for, teacher, post_data):
    data = {**post_data, "description": "Class news.\r\nPhotos of student work, with consent."}
    client_for(teacher).post(reverse("approvals:create"), data)
    assert AccountRequest.objects.get().description == "Class news.\r\nPhotos of student work, with consent."


def test_the_decision_comment_has_a_ceiling(client_for, principal, submitted):
    response = client_for(principal).post(
        reverse("approvals:decide", args=[submitted.pk]), {"decision": "reject", "comment": "no " * 2000}
    )
    assert "comment" in response.context["form"].errors
    submitted.refresh_from_db()
    assert submitted.status == AccountRequest.Status.SUBMITTED
