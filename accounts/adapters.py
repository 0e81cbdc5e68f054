"""django-allauth hooks that keep sign-up and sign-in to district addresses (AP 1311 §1.1.1)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.net import client_ip

from .validators import is_district_email, validate_district_email


class DistrictAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        validate_district_email(email)
        return email.lower()

    def get_client_ip(self, request) -> str:
        """allauth's rate limits count per client, behind the proxy too (core.net.client_ip)."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied(_("Unable to determine the client's address."))
        return ip


class DistrictSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on is accepted only for an address the identity provider marks verified, on a
    district domain (AP 1311 §1.1.1), from the district's own directory: Google's hosted domain (`hd`)
    must be a district domain; Microsoft is pinned to the district's tenant in settings. There is no
    fallback to an unverified address: that is how another tenant could claim a principal's account."""

    def pre_social_login(self, request, sociallogin):
        if sociallogin.account.provider == "google":
            hosted_domain = str((sociallogin.account.extra_data or {}).get("hd", "")).lower()
            if hosted_domain not in settings.DISTRICT_EMAIL_DOMAINS:
                raise PermissionDenied(
                    _("Google sign-in is limited to the district's Google Workspace (AP 1311 §1.1.1).")
                )
        if not verified_district_emails(sociallogin):
            raise PermissionDenied(
                _("Single sign-on is limited to verified district e-mail addresses (AP 1311 §1.1.1).")
            )

    def is_open_for_signup(self, request, sociallogin) -> bool:
        email = (sociallogin.user.email or "").lower()
        return email in verified_district_emails(sociallogin)


def verified_district_emails(sociallogin) -> set[str]:
    """The addresses of a social login that are both verified by the provider and on a district domain."""
    return {
        e.email.lower() for e in sociallogin.email_addresses if e.email and e.verified and is_district_email(e.email)
    }
