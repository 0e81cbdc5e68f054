"""Forms of the registry. They parse input; registry/services/ decides."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.validators import district_domains_text, validate_district_email
from core.converters import is_valid_id
from core.text import SingleLineFieldsMixin

from .models import EnforcementAction, RegistryEntry


def _staff_of(org_unit, *, exclude=()) -> "forms.QuerySet[User]":
    return (
        User.objects.filter(is_active=True, memberships__org_unit=org_unit)
        .exclude(pk__in=[u.pk for u in exclude if u is not None])
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class SafeModelChoiceField(forms.ModelChoiceField):
    """Refuses an id beyond a 64-bit integer before it reaches the database (SQLite raised
    OverflowError on those, which Django's choice fields do not catch)."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model) and not is_valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if not is_valid_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class _StaffChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class _StaffMultipleChoiceField(SafeModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PasswordInput(forms.PasswordInput):
    """Never re-rendered with a value; the browser must not autofill the portal's own password here."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})}, render_value=False)


def _district_address_help() -> str:
    return _("A district address (%(domains)s), never a personal one (§1.1.1).") % {"domains": district_domains_text()}


class RegisterForm(SingleLineFieldsMixin, forms.Form):
    handle = forms.CharField(
        label=_("Handle"), max_length=150, help_text=_("The account's name on the platform, e.g. @room12news.")
    )
    url = forms.URLField(
        label=_("Public URL"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("The link to the account or site."),
    )
    login_username = forms.CharField(label=_("Login username"), max_length=150)
    login_email = forms.EmailField(
        label=_("Login e-mail"),
        validators=[validate_district_email],
        help_text=lazy(_district_address_help, str)(),
    )
    recovery_email = forms.EmailField(
        label=_("Recovery e-mail"),
        required=False,
        validators=[validate_district_email],
        help_text=_("If the platform asks for one: a district address too (§1.1.1)."),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=500,
        strip=False,
        widget=PasswordInput(),
        help_text=_("Stored encrypted. Your principal or supervisor keeps it on the school's list (§1.4.5)."),
    )
    privacy = forms.ChoiceField(label=_("Privacy as set up"), choices=RegistryEntry.Privacy.choices)
    comment_setting = forms.ChoiceField(label=_("Comments as set up"), choices=RegistryEntry.Comments.choices)
    co_admins = _StaffMultipleChoiceField(
        label=_("Co-administrators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Other staff who also have administrative access to the account: at least one as a backup, "
            "so that nobody leaving strands it (§1.4.5)."
        ),
    )

    def __init__(self, *args, account_request, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("privacy", account_request.network)
        initial.setdefault("comment_setting", account_request.comment_setting)
        initial.setdefault("login_email", account_request.account_email)
        super().__init__(*args, **kwargs)
        self.fields["co_admins"].queryset = _staff_of(account_request.org_unit, exclude=[account_request.requester])


class CredentialsForm(SingleLineFieldsMixin, forms.Form):
    login_username = forms.CharField(label=_("Login username"), max_length=150)
    login_email = forms.EmailField(label=_("Login e-mail"), validators=[validate_district_email])
    recovery_email = forms.EmailField(label=_("Recovery e-mail"), required=False, validators=[validate_district_email])
    password = forms.CharField(
        label=_("New password"),
        required=False,
        max_length=500,
        strip=False,
        widget=PasswordInput(),
        help_text=_("Leave empty to keep the current password. A dated entry is added to the history."),
    )


class RevealForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the login details?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = reason_required
        field.help_text = (
            _("Required: you do not administer this account. The owner is told who viewed it and why.")
            if reason_required
            else _("Optional. The view is recorded in the audit trail.")
        )


class EnforcementForm(SingleLineFieldsMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The owner and co-administrators read this; it stays in the account's history (§1.4.2)."),
    )

    def __init__(self, *args, entry: RegistryEntry, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = EnforcementAction.Kind
        allowed = {
            RegistryEntry.Status.ACTIVE: [kinds.FEEDBACK, kinds.DISABLE, kinds.REMOVE],
            RegistryEntry.Status.DISABLED: [kinds.FEEDBACK, kinds.REACTIVATE, kinds.REMOVE],
        }.get(entry.status, [])
        labels = {
            kinds.FEEDBACK: _("Leave feedback (the account stays as it is)"),
            kinds.DISABLE: _("Disable the account"),
            kinds.REMOVE: _("Remove the account (kept here as history)"),
            kinds.REACTIVATE: _("Reactivate the account"),
        }
        self.fields["action"].choices = [(k.value, labels[k]) for k in allowed]


class TransferForm(SingleLineFieldsMixin, forms.Form):
    new_owner = _StaffChoiceField(label=_("New owner"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, entry: RegistryEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_owner"].queryset = _staff_of(entry.org_unit, exclude=[entry.owner])


class CoAdminAddForm(forms.Form):
    user = _StaffChoiceField(label=_("Add a co-administrator"), queryset=User.objects.none())
    until = forms.DateField(
        label=_("Access ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional: the access is removed that day and the password flagged for a change (§1.4.5)."),
    )

    def __init__(self, *args, entry: RegistryEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _staff_of(entry.org_unit, exclude=[entry.owner, *entry.co_admins.all()])


class ReviewForm(SingleLineFieldsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("current", _("Still in use and current")), ("decommission", _("No longer in use: decommission"))],
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    # §1.2.4, checked at each review: the services decide whether "current" may be recorded without them.
    identification_confirmed = forms.BooleanField(
        label=_("The site still says it is a professional district site and links to the school website (§1.2.4)"),
        required=False,
    )
    identification_text = forms.CharField(
        label=_("How the site identifies itself"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    school_website_url = forms.URLField(
        label=_("Link to the school or unit website"),
        required=False,
        max_length=RegistryEntry._meta.get_field("school_website_url").max_length,
        assume_scheme="https",
    )


class ConfirmImportForm(SingleLineFieldsMixin, forms.Form):
    """Another approver's answer to an import that named its importer (§1.4.6)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("confirm", _("Confirm")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason (needed to refuse)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The approver who imported it is told."),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("At most 1 MB. Nothing is saved until you confirm the preview."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


class OfficialCheckForm(SingleLineFieldsMixin, forms.Form):
    q = forms.CharField(
        label=_("Handle or link of the account"),
        max_length=300,
        help_text=_("For example @ridgeview_school or https://www.instagram.com/ridgeview_school"),
    )
