"""One-time form tokens (issue 12): the second submission of a form lands on what the first made."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from core.models import FormSubmission
from core.once import FIELD_NAME, new_token, one_time_form, purge_form_tokens

pytestmark = pytest.mark.django_db
made = []


@one_time_form("thing")
def make_thing(request):
    if request.POST.get("name", "") == "":
        return HttpResponse("form with errors", status=200)
    made.append(request.POST["name"])
    return redirect(f"/things/{len(made)}/")


@pytest.fixture(autouse=True)
def _reset():
    made.clear()


def post(data, user=None):
    request = RequestFactory().post("/things/new/", data)
    request.user = user or AnonymousUser()
    request._messages = CookieStorage(request)
    return request, make_thing(request)


def test_the_second_post_of_a_token_lands_on_what_the_first_made_with_a_message():
    token = new_token()
    _, first = post({FIELD_NAME: token, "name": "A"})
    request, second = post({FIELD_NAME: token, "name": "A"})
    assert made == ["A"]
    assert first["Location"] == second["Location"] == "/things/1/"
    assert [str(m) for m in get_messages(request)] == ["Already submitted: here is your thing."]


def test_a_form_with_errors_releases_its_token_so_the_corrected_form_goes_through():
    token = new_token()
    _, shown_again = post({FIELD_NAME: token, "name": ""})
    assert shown_again.status_code == 200 and not FormSubmission.objects.exists()
    _, created = post({FIELD_NAME: token, "name": "B"})
    assert created.status_code == 302 and made == ["B"]
    assert FormSubmission.objects.get().target == "/things/1/"


def test_a_view_that_fails_keeps_nothing_and_the_token_stays_usable():
    @one_time_form("thing")
    def broken(request):
        FormSubmission.objects.create(token="unrelated-row-000000", view="x")
        raise RuntimeError("boom")

    request = RequestFactory().post("/", {FIELD_NAME: new_token()})
    request.user = AnonymousUser()
    with pytest.raises(RuntimeError):
        broken(request)
    assert not FormSubmission.objects.exists()


def test_different_tokens_are_different_submissions_and_no_token_is_unprotected():
    post({FIELD_NAME: new_token(), "name": "A"})
    post({FIELD_NAME: new_token(), "name": "A"})
    post({"name": "A"})
    post({"name": "A", FIELD_NAME: "not a token!"})
    assert made == ["A", "A", "A", "A"]


def test_a_token_used_by_someone_else_is_refused(django_user_model):
    token = new_token()
    owner = django_user_model.objects.create(email="owner@sd.example")
    other = django_user_model.objects.create(email="other@sd.example")
    post({FIELD_NAME: token, "name": "A"}, user=owner)
    with pytest.raises(PermissionDenied):
        post({FIELD_NAME: token, "name": "A"}, user=other)
    assert made == ["A"]


def test_the_template_tag_renders_a_fresh_hidden_token_each_time():
    template = Template("{% load form_token %}{% form_token %}")
    first, second = template.render(Context()), template.render(Context())
    assert first.startswith(f'<input type="hidden" name="{FIELD_NAME}" value="') and first != second


def test_old_tokens_are_purged_after_the_retention(settings):
    settings.FORM_TOKEN_RETENTION_DAYS = 30
    old = FormSubmission.objects.create(token=new_token(), view="v", target="/a/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = FormSubmission.objects.create(token=new_token(), view="v", target="/b/")
    assert purge_form_tokens() == 1
    assert list(FormSubmission.objects.all()) == [recent]
