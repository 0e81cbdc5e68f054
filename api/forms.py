"""Admin forms for tokens and webhook endpoints. They only parse; the services decide and audit."""

import datetime

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit

from .models import WebhookEndpoint
from .scopes import WEBHOOK_EVENT_CHOICES, Scope
from .webhooks import UnsafeWebhookURL, check_url


def _units_field(help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=OrgUnit.objects.filter(is_active=True),
        required=False,
        widget=FilteredSelectMultiple("units", is_stacked=False),
        help_text=help_text,
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, help_text=_("Which system will use it, e.g. “District website”."))
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    units = _units_field("Only these schools or departments; none selected: the whole district.")
    expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The token stops working at the start of this day (district time)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        if day > timezone.localdate() + datetime.timedelta(days=3 * 366):
            raise forms.ValidationError(_("At most three years: tokens should be renewed."))
        return day

    @property
    def expires_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["expires_on"], datetime.time.min))


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https", help_text=WebhookEndpoint.url.field.help_text
    )
    events = forms.MultipleChoiceField(choices=WEBHOOK_EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)
    units = _units_field("Only events of these units; none selected: every unit.")

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "units", "body_format", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeWebhookURL as error:
            raise forms.ValidationError(str(error)) from error
        return url


class WebhookCreateForm(WebhookForm):
    secret = forms.CharField(
        required=False,
        min_length=16,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to have one generated (recommended). Shown once after saving."),
    )

    class Meta(WebhookForm.Meta):
        fields = ["name", "url", "events", "units", "body_format"]
