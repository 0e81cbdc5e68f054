"""Single sign-on cannot be used to take over a district account (issue 11, AP 1311 §1.1.1).

The identity provider's answer is mocked (no provider can be reached here): each test builds the social
login the way allauth does, from the provider's own response, then asks our adapter.
"""

import json

import pytest
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.google.provider import GoogleProvider
from allauth.socialaccount.providers.microsoft.provider import MicrosoftGraphProvider
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.adapters import DistrictSocialAccountAdapter
from governance.tests.test_settings import _run

pytestmark = pytest.mark.django_db

TENANT = "8f0c5d2e-1111-4a6b-9c3d-2e5f6a7b8c9d"


@pytest.fixture
def providers(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {"VERIFIED_EMAIL": settings.DISTRICT_EMAIL_DOMAINS},
        "google": {"VERIFIED_EMAIL": False},
    }


def _login(provider_class, response):
    request = RequestFactory().get("/auth/callback/")
    app = SocialApp(provider=provider_class.id, name=provider_class.id, client_id="client", secret="s")
    return request, provider_class(request, app=app).sociallogin_from_response(request, response)


def _graph_user(email):
    return {"id": "00000000-aaaa", "mail": email, "userPrincipalName": email, "givenName": "Priya"}


def _google_claims(email, *, verified=True, hd="sd.example"):
    claims = {"sub": "1234", "email": email, "email_verified": verified, "name": "Priya"}
    if hd:
        claims["hd"] = hd
    return claims


def test_microsoft_sign_in_of_a_district_address_from_the_district_tenant_is_accepted(providers):
    request, login = _login(MicrosoftGraphProvider, _graph_user("principal@sd.example"))
    DistrictSocialAccountAdapter().pre_social_login(request, login)
    assert DistrictSocialAccountAdapter().is_open_for_signup(request, login)


def test_microsoft_address_outside_the_district_domains_is_never_verified_or_accepted(providers):
    request, login = _login(MicrosoftGraphProvider, _graph_user("principal@evil-tenant.example"))
    with pytest.raises(PermissionDenied):
        DistrictSocialAccountAdapter().pre_social_login(request, login)


def test_google_needs_the_districts_hosted_domain(providers):
    request, login = _login(GoogleProvider, _google_claims("principal@sd.example", hd=None))
    with pytest.raises(PermissionDenied):
        DistrictSocialAccountAdapter().pre_social_login(request, login)
    request, login = _login(GoogleProvider, _google_claims("principal@sd.example", hd="other.example"))
    with pytest.raises(PermissionDenied):
        DistrictSocialAccountAdapter().pre_social_login(request, login)


def test_google_address_not_verified_by_google_is_refused_with_no_fallback(providers):
    request, login = _login(GoogleProvider, _google_claims("principal@sd.example", verified=False))
    assert login.user.email == "principal@sd.example"  # the unverified address is there...
    with pytest.raises(PermissionDenied):  # ...and is not enough
        DistrictSocialAccountAdapter().pre_social_login(request, login)
    assert not DistrictSocialAccountAdapter().is_open_for_signup(request, login)


def test_google_verified_district_address_in_the_district_workspace_is_accepted(providers):
    request, login = _login(GoogleProvider, _google_claims("teacher@sd.example"))
    DistrictSocialAccountAdapter().pre_social_login(request, login)


PRINT_TENANT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.SOCIALACCOUNT_PROVIDERS['microsoft']['APPS'][0]['settings']))"
)


@pytest.mark.parametrize("tenant", ["", "common", "organizations", "consumers"])
def test_microsoft_sign_in_refuses_to_start_on_a_multi_tenant_endpoint(tmp_path, tenant):
    env = {"SECRET_KEY": "x" * 60, "MICROSOFT_CLIENT_ID": "id", "MICROSOFT_CLIENT_SECRET": "s"}
    result = _run(PRINT_TENANT, {**env, "MICROSOFT_TENANT": tenant}, tmp_path)
    assert result.returncode != 0
    assert "MICROSOFT_TENANT" in result.stderr and "tenant id" in result.stderr


def test_microsoft_sign_in_is_pinned_to_the_districts_tenant(tmp_path):
    env = {"SECRET_KEY": "x" * 60, "MICROSOFT_CLIENT_ID": "id", "MICROSOFT_CLIENT_SECRET": "s"}
    result = _run(PRINT_TENANT, {**env, "MICROSOFT_TENANT": TENANT}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"tenant": TENANT}
