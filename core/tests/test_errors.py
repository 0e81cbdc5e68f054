"""A refusal that escapes a view becomes a message (or a 403), never a 500."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from approvals.services import NotPermitted as WorkflowNotPermitted
from approvals.services import WorkflowError
from core.errors import DomainError, NotPermitted
from core.middleware import DomainErrorMiddleware
from moderation.services import CheckInError
from outreach.services import OutreachError
from registry.services import RegistryError


def _request(referer=""):
    request = RequestFactory().post("/somewhere/", HTTP_REFERER=referer)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _middleware():
    return DomainErrorMiddleware(lambda request: None)


def test_every_apps_error_is_a_domain_error():
    for error in (WorkflowError, OutreachError, CheckInError, RegistryError):
        assert issubclass(error, DomainError)
    assert issubclass(WorkflowNotPermitted, NotPermitted)


def test_a_domain_error_becomes_a_message_and_a_redirect_back():
    request = _request(referer="http://testserver/requests/7/")
    response = _middleware().process_exception(request, OutreachError("This event was cancelled."))
    assert response.status_code == 302 and response.url == "http://testserver/requests/7/"
    assert [str(m) for m in get_messages(request)] == ["This event was cancelled."]


def test_a_foreign_referer_is_not_followed():
    request = _request(referer="https://evil.example/")
    response = _middleware().process_exception(request, DomainError("No."))
    assert response.url == "/home/"


def test_not_permitted_becomes_a_403():
    with pytest.raises(PermissionDenied):
        _middleware().process_exception(_request(), WorkflowNotPermitted("Only the requester."))


def test_other_exceptions_are_left_alone():
    assert _middleware().process_exception(_request(), ValueError("boom")) is None
