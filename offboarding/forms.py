from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from registry.forms import SafeModelChoiceField


class StartReviewForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Term access review")
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    org_units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=OrgUnit.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )


class AnswerForm(forms.Form):
    """Unticked means "no": the approver fixes it on the account's page."""

    still_in_use = forms.BooleanField(required=False, label=_("Still in use"))
    owner_right = forms.BooleanField(required=False, label=_("Owner right"))
    co_admins_right = forms.BooleanField(required=False, label=_("Co-admins right"))
    password_current = forms.BooleanField(
        required=False, label=_("Password changed since the last review, or not needed")
    )


class ReassignForm(forms.Form):
    """A colleague of the case's unit to carry on a request the departed person left open."""

    new_requester = SafeModelChoiceField(label=_("Hand it to"), queryset=User.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_requester"].queryset = (
            User.objects.filter(is_active=True, memberships__org_unit=case.org_unit)
            .exclude(pk=case.person_id)
            .distinct()
            .order_by("last_name", "first_name", "email")
        )
        self.fields["new_requester"].label_from_instance = lambda user: user.display_name
