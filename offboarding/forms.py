from django import forms

from accounts.models import OrgUnit


class StartReviewForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Term access review")
    due_on = forms.DateField(label="Due on", widget=forms.DateInput(attrs={"type": "date"}))
    org_units = forms.ModelMultipleChoiceField(
        label="Units", queryset=OrgUnit.objects.order_by("name"), widget=forms.CheckboxSelectMultiple
    )


class AnswerForm(forms.Form):
    """Unticked means "no": the approver fixes it on the account's page."""

    still_in_use = forms.BooleanField(required=False, label="Still in use")
    owner_right = forms.BooleanField(required=False, label="Owner right")
    co_admins_right = forms.BooleanField(required=False, label="Co-admins right")
    password_current = forms.BooleanField(required=False, label="Password changed since the last review, or not needed")
