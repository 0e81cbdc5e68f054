from django import forms
from django.utils.translation import gettext_lazy as _

from .services.bulk import MAX_UPLOAD_BYTES

_CSV = forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})


class BulkUploadForm(forms.Form):
    units = forms.FileField(
        label=_("Units: units.csv or OneRoster orgs.csv"),
        required=False,
        widget=_CSV,
        help_text=_("Schools and departments. Columns: code, name, kind, website_url; or OneRoster's orgs.csv."),
    )
    staff = forms.FileField(
        label=_("Staff: staff.csv or OneRoster users.csv"),
        required=False,
        widget=_CSV,
        help_text=_(
            "One row per membership: email, first_name, last_name, unit, role (employee or approver), title; "
            "or OneRoster's users.csv."
        ),
    )
    roles = forms.FileField(
        label=_("OneRoster roles.csv (optional)"),
        required=False,
        widget=_CSV,
        help_text=_("OneRoster 1.2 keeps each person's orgs and roles here: principals become approvers."),
    )
    full_roster = forms.BooleanField(
        label=_("The staff file lists every member of staff"),
        required=False,
        help_text=_("The preview then lists active staff absent from it, whom you may offboard (deactivate)."),
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("units", "staff", "roles"):
            upload = cleaned.get(name)
            if upload and upload.size > MAX_UPLOAD_BYTES:
                self.add_error(name, _("At most %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
        if not cleaned.get("units") and not cleaned.get("staff"):
            raise forms.ValidationError(_("Choose a units file, a staff file, or both."))
        return cleaned

    def files_of(self, name):
        upload = self.cleaned_data.get(name)
        return (upload.name, upload.read()) if upload else None
