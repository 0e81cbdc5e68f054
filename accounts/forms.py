from allauth.account.forms import LoginForm, SignupForm
from django import forms
from django.utils.translation import gettext as _

from .validators import district_domains_text, validate_district_email


class DistrictLoginForm(LoginForm):
    """Refuses personal addresses with a clear message before any password check (§1.1.1)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].help_text = _("Your district address (%(domains)s).") % {
            "domains": district_domains_text()
        }

    def clean_login(self):
        login = super().clean_login()
        try:
            validate_district_email(login)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return login


class DistrictSignupForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "Your district address (%(domains)s). Personal addresses are refused (AP 1311 §1.1.1)."
        ) % {"domains": district_domains_text()}
