"""The SCIM 2.0 endpoint (RFC 7644) at /scim/v2/: a Django request in, scim2-server's response out.

Authentication is a connection's bearer token, not a session: CSRF does not apply (no cookie is read).
Failed tokens are counted per client address: past FAILED_TOKEN_RATE, every request from it gets a 429
with a SCIM error body until the window ends (guessing tokens is not worth trying).
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from scim2_server.requests import ScimRequest

from core.ratelimit import count_failure, over_failure_limit

from .service import application

FAILED_TOKEN_RATE = "10/m"
_GROUP = "directory.scim-failed-token"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def _too_many() -> HttpResponse:
    body = {"schemas": [ERROR_SCHEMA], "status": "429", "detail": "Too many failed bearer tokens: try again later."}
    response = HttpResponse(json.dumps(body), status=429, content_type="application/scim+json")
    response["Retry-After"] = "60"
    return response


@csrf_exempt
@never_cache
def endpoint(request, path: str = ""):
    if over_failure_limit(request, group=_GROUP, rate=FAILED_TOKEN_RATE):
        return _too_many()
    scim_request = ScimRequest(
        method=request.method,
        base_url=request.build_absolute_uri(reverse("scim:root")).rstrip("/"),
        path="/" + path.removesuffix(".scim"),
        query={key: request.GET.get(key) for key in request.GET},
        headers=dict(request.headers),
        body=request.body,
    )
    with translation.override(settings.LANGUAGE_CODE):  # protocol answers, for machines: always English
        scim_response = application().serve(scim_request)
    body = b"" if scim_response.body is None else json.dumps(scim_response.body).encode()
    response = HttpResponse(body, status=scim_response.status.value)
    for name, value in scim_response.headers.items():
        response[name] = value
    if response.status_code == 401:  # no valid bearer token: one more failure from this address
        count_failure(request, group=_GROUP, rate=FAILED_TOKEN_RATE)
    return response
