"""The SCIM 2.0 endpoint (RFC 7644) at /scim/v2/: a Django request in, scim2-server's response out.

Authentication is a connection's bearer token, not a session: CSRF does not apply (no cookie is read).
"""

import json

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from scim2_server.requests import ScimRequest

from .service import application


@csrf_exempt
@never_cache
def endpoint(request, path: str = ""):
    scim_request = ScimRequest(
        method=request.method,
        base_url=request.build_absolute_uri(reverse("scim:root")).rstrip("/"),
        path="/" + path.removesuffix(".scim"),
        query={key: request.GET.get(key) for key in request.GET},
        headers=dict(request.headers),
        body=request.body,
    )
    scim_response = application().serve(scim_request)
    body = b"" if scim_response.body is None else json.dumps(scim_response.body).encode()
    response = HttpResponse(body, status=scim_response.status.value)
    for name, value in scim_response.headers.items():
        response[name] = value
    return response
