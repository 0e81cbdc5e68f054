from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from consent import rules as consent_rules
from consent import selectors as consent_selectors
from core.text import SingleLineFieldsMixin

from . import selectors
from .models import MediaInquiry, SchoolEvent
from .statements import ATTESTATION_STATEMENTS

_LOCAL_DATETIME = {"type": "datetime-local"}
_LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _local_datetime_widget():
    return forms.DateTimeInput(attrs=_LOCAL_DATETIME, format=_LOCAL_DATETIME_FORMAT)


# Inquiries and events are about this school year, give or take: a year-9999 date also overflowed when
# stored in UTC (a 500), so dates further than this from today are refused.
MAX_YEARS_AWAY = 10


def _within_reach(value):
    if value is not None and abs((value - timezone.now()).days) > 366 * MAX_YEARS_AWAY:
        raise forms.ValidationError(
            gettext("Choose a date within %(years)s years of today.") % {"years": MAX_YEARS_AWAY}
        )
    return value


class InquiryForm(SingleLineFieldsMixin, forms.ModelForm):
    """§1.5.1: what reached the employee and when the outlet needs an answer."""

    class Meta:
        model = MediaInquiry
        fields = [
            "org_unit",
            "registry_entry",
            "received_via",
            "outlet",
            "contact_name",
            "contact_details",
            "question",
            "deadline",
        ]
        widgets = {"deadline": _local_datetime_widget(), "question": forms.Textarea(attrs={"rows": 4})}
        labels = {"org_unit": _("Your school or department")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.units_for_logging(user)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].empty_label = None
        self.fields["deadline"].help_text = _("When the outlet wants an answer, in district time.")
        from registry.selectors import entries_of

        self.fields["registry_entry"].queryset = entries_of(user).filter(status="active")
        self.fields["registry_entry"].empty_label = _("Not on the list / another site")

    def clean_deadline(self):
        return _within_reach(self.cleaned_data["deadline"])

    def clean(self):
        cleaned = super().clean()
        entry, via = cleaned.get("registry_entry"), (cleaned.get("received_via") or "").strip()
        if not entry and not via:
            self.add_error("received_via", _("Choose the registered account or describe the site it came through."))
        if entry and cleaned.get("org_unit") and entry.org_unit_id != cleaned["org_unit"].pk:
            self.add_error("registry_entry", _("This account belongs to another school or department."))
        return cleaned


class InquiryNoteForm(SingleLineFieldsMixin, forms.Form):
    note = forms.CharField(
        label=_("Note for the employee"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible to the employee who logged the inquiry and to the school's approvers."),
    )


def _list(text: str) -> list[str]:
    return [" ".join(part.split()) for part in text.replace(";", ",").split(",") if part.strip()]


def _as_on_roster(names: list[str], known: list[str]) -> tuple[list[str], list[str]]:
    """(names in the roster's spelling, names the roster does not have), matched case-insensitively."""
    by_lower = {k.lower(): k for k in known}
    return [by_lower.get(n.lower(), n) for n in names], [n for n in names if n.lower() not in by_lower]


class EventForm(SingleLineFieldsMixin, forms.ModelForm):
    """§3.1: an assembly or event to which parents are invited."""

    classes = forms.CharField(
        label=_("Classes taking part"),
        required=False,
        max_length=500,
        help_text=_(
            "As on the school's consent roster, separated by commas, e.g. “5A, 5B”. The reminder then says "
            "how many of them have no photo consent (§1.3.6)."
        ),
    )
    grades = forms.CharField(label=_("Grades taking part"), required=False, max_length=100, help_text=_("e.g. “4, 5”."))

    class Meta:
        model = SchoolEvent
        fields = ["org_unit", "title", "starts_at", "location", "organiser"]
        widgets = {"starts_at": _local_datetime_widget()}
        labels = {"org_unit": _("School"), "starts_at": _("Starts (district time)")}
        help_texts = {"organiser": _("Receives the reminder and reads the announcement to parents.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.units_for_events(user)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].empty_label = None
        self.fields["organiser"].queryset = selectors.possible_organisers(units).order_by("last_name", "first_name")
        self.fields["organiser"].label_from_instance = lambda u: u.short_name
        self.fields["organiser"].empty_label = None
        if not self.is_bound:
            self.initial.setdefault("organiser", user.pk)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return _within_reach(starts_at)

    def clean_classes(self):
        return _list(self.cleaned_data.get("classes", ""))

    def clean_grades(self):
        return _list(self.cleaned_data.get("grades", ""))

    def clean(self):
        cleaned = super().clean()
        unit, organiser = cleaned.get("org_unit"), cleaned.get("organiser")
        if unit and organiser and not selectors.is_member_of(organiser, unit.pk):
            self.add_error(
                "organiser",
                gettext("%(person)s is not on the staff of %(unit)s.") % {"person": organiser.short_name, "unit": unit},
            )
        if unit and cleaned.get("starts_at"):
            self._check_against_roster(cleaned, unit)
        return cleaned

    def _check_against_roster(self, cleaned, unit) -> None:
        """Names the school's consent roster of the event's school year does not know are a form error;
        without a roster for that year the names are kept as typed (it may be imported later)."""
        year = consent_rules.school_year_of(timezone.localdate(cleaned["starts_at"]))
        label = consent_rules.school_year_label(year)
        for field, known in (
            ("classes", consent_selectors.class_names(unit.pk, year)),
            ("grades", consent_selectors.grade_names(unit.pk, year)),
        ):
            if not known or not cleaned.get(field):
                continue
            cleaned[field], unknown = _as_on_roster(cleaned[field], known)
            if unknown:
                self.add_error(
                    field,
                    gettext("Not on %(unit)s's consent roster for %(year)s: %(unknown)s. It has: %(known)s.")
                    % {
                        "unit": unit,
                        "year": label,
                        "unknown": ", ".join(unknown),
                        "known": ", ".join(known[:40]) + (" …" if len(known) > 40 else ""),
                    },
                )


class AttestationForm(forms.Form):
    """One required checkbox per statement of §2 (and §4.2), built from statements.py."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for statement in ATTESTATION_STATEMENTS:
            self.fields[statement.code] = forms.BooleanField(
                label=f"{statement.text} ({statement.clause})",
                required=True,
                error_messages={"required": _("Please confirm this statement.")},
            )

    def confirmed_codes(self) -> list[str]:
        return [code for code, value in self.cleaned_data.items() if value]
