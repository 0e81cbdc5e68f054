"""django-allauth hooks that keep sign-up and sign-in to district addresses (AP 1311 §1.1.1)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied

from .validators import is_district_email, validate_district_email


class DistrictAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        validate_district_email(email)
        return email.lower()


class DistrictSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on is accepted only for a verified address on a district domain."""

    def pre_social_login(self, request, sociallogin):
        emails = [e.email for e in sociallogin.email_addresses if e.verified] or [sociallogin.user.email]
        if not any(is_district_email(e) for e in emails if e):
            raise PermissionDenied("Single sign-on is limited to district e-mail addresses (AP 1311 §1.1.1).")

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return is_district_email(sociallogin.user.email or "")
