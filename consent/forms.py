from django import forms
from django.utils.translation import gettext, gettext_lazy

from . import rules, selectors
from .importing import parse_date
from .models import USES, Consent, Roster


def _year_choices():
    return [(y, rules.school_year_label(y)) for y in rules.years_open_for_rosters()]


class _UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


# --- The teacher's check ------------------------------------------------------------------------------


class CheckForm(forms.Form):
    """A class or grade picked (or a few names typed) on the school's roster for the year.

    The roster is resolved from the unit and year in the data, so that the class and grade choices
    are exactly that roster's: an unknown class is a form error, never a silent empty answer.
    """

    unit = _UnitChoiceField(queryset=None, required=False, empty_label=None, label=gettext_lazy("School"))
    year = forms.TypedChoiceField(coerce=int, required=False, label=gettext_lazy("School year"))
    school_class = forms.MultipleChoiceField(required=False, label=gettext_lazy("Class"))
    grade = forms.MultipleChoiceField(required=False, label=gettext_lazy("Grade"))
    q = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("Or search names"),
        help_text=gettext_lazy("A few names separated by commas, e.g. “Ana, Ben K”."),
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        units = selectors.units_checkable_by(user).order_by("name")
        self.fields["unit"].queryset = units
        self.fields["year"].choices = _year_choices()
        unit_id = self.data.get("unit") or (units.first().pk if units.exists() else None)
        year = self.data.get("year") or rules.current_school_year()
        self.roster: Roster | None = None
        try:
            self.roster = selectors.checkable_roster(user, int(unit_id), int(year)) if unit_id else None
        except (TypeError, ValueError):
            self.roster = None
        self.classes = selectors.classes_of(self.roster) if self.roster else []
        self.grades = selectors.grades_of(self.roster) if self.roster else []
        self.fields["school_class"].choices = [(c.name, c.name) for c in self.classes]
        self.fields["grade"].choices = [(g, g) for g in self.grades]
        self.unit = self.roster.org_unit if self.roster else units.filter(pk=_int(unit_id)).first()

    @property
    def terms(self) -> list[str]:
        return selectors.search_terms(self.cleaned_data.get("q", "")) if self.is_valid() else []

    @property
    def asked(self) -> bool:
        """True when the form names something to look up (not just the page opened)."""
        return any(self.data.get(k) for k in ("school_class", "grade", "q"))


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- Keeping the roster -------------------------------------------------------------------------------


def _answer_field(label) -> forms.ChoiceField:
    return forms.ChoiceField(choices=Consent.choices, widget=forms.RadioSelect, label=label)


class StudentForm(forms.Form):
    """A student's details and their answers on the consent form (Appendix 1201 C)."""

    display_name = forms.CharField(
        max_length=120, label=gettext_lazy("Name"), help_text=gettext_lazy("The name teachers know the student by.")
    )
    grade = forms.CharField(
        max_length=10, required=False, label=gettext_lazy("Grade"), help_text=gettext_lazy("e.g. K, 1 … 12.")
    )
    classes = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy("Classes"),
        help_text=gettext_lazy("Class or homeroom; several separated by semicolons, e.g. “5A; Band”."),
    )
    photo_video = _answer_field(gettext_lazy("Photo or video on district social media"))
    name_use = _answer_field(gettext_lazy("Name"))
    work_samples = _answer_field(gettext_lazy("Work samples"))
    consent_date = forms.DateField(
        required=False,
        label=gettext_lazy("Date of the answer"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("When the form came back. Today if left empty and an answer changed."),
    )

    def clean_consent_date(self):
        value = self.cleaned_data.get("consent_date")
        if value is None:
            return None
        try:
            return parse_date(value.isoformat())
        except ValueError:
            raise forms.ValidationError(gettext("Choose a date since 2000 and not in the future.")) from None

    def clean_classes(self):
        names = [" ".join(n.split()) for n in self.cleaned_data.get("classes", "").split(";")]
        if any(len(n) > 100 for n in names):
            raise forms.ValidationError(gettext("A class name is at most 100 characters."))
        return [n for n in names if n]

    def answers(self) -> dict[str, str]:
        return {field: self.cleaned_data[field] for field, _ in USES}

    @classmethod
    def initial_for(cls, student) -> dict:
        return {
            "display_name": student.display_name,
            "grade": student.grade,
            "classes": "; ".join(c.name for c in student.classes.all()),
            "consent_date": student.consent_date,
            **{field: getattr(student, field) for field, _ in USES},
        }


class StudentAddForm(StudentForm):
    org_unit = _UnitChoiceField(queryset=None, empty_label=None, label=gettext_lazy("School"))
    school_year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("School year"))
    school_identifier = forms.CharField(
        max_length=40,
        label=gettext_lazy("Student number"),
        help_text=gettext_lazy("As in the student information system."),
    )

    field_order = ["org_unit", "school_year", "school_identifier", "display_name", "grade", "classes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.units_kept_by(user).order_by("name")
        self.fields["school_year"].choices = _year_choices()
        for field, _ in USES:
            self.fields[field].initial = Consent.NOT_RETURNED


class ImportForm(forms.Form):
    """The SIS export, or OneRoster's users.csv and enrollments.csv (with classes.csv)."""

    org_unit = _UnitChoiceField(queryset=None, empty_label=None, label=gettext_lazy("School"))
    school_year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("School year"))
    sis_file = forms.FileField(
        required=False,
        label=gettext_lazy("Student information system export (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    users_file = forms.FileField(required=False, label=gettext_lazy("OneRoster users.csv"))
    enrollments_file = forms.FileField(required=False, label=gettext_lazy("OneRoster enrollments.csv"))
    classes_file = forms.FileField(required=False, label=gettext_lazy("OneRoster classes.csv (for class titles)"))
    remove_missing = forms.BooleanField(
        required=False,
        label=gettext_lazy("The file lists the whole school: take students who are not in it off the roster"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = selectors.units_kept_by(user).order_by("name")
        self.fields["school_year"].choices = _year_choices()
        self.fields["school_year"].initial = rules.current_school_year()

    def clean(self):
        cleaned = super().clean()
        sis, users, enrollments = (cleaned.get(k) for k in ("sis_file", "users_file", "enrollments_file"))
        if sis and (users or enrollments or cleaned.get("classes_file")):
            raise forms.ValidationError(gettext("Upload either the SIS export or the OneRoster files, not both."))
        if not sis and not (users and enrollments):
            if users or enrollments:
                self.add_error("enrollments_file" if users else "users_file", gettext("OneRoster needs both files."))
            else:
                self.add_error(
                    "sis_file", gettext("Choose the SIS export, or OneRoster's users.csv and enrollments.csv.")
                )
        return cleaned


class ImportConfirmForm(forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)


class RemoveStudentForm(forms.Form):
    confirm = forms.BooleanField(label=gettext_lazy("This student has left the school"))
