"""The account request form and the decision form.

The rules themselves live in approvals.rules, shared with the services; this module only shows
them: help texts name the clauses in the portal's own words, and every problem is attached to the
field it is about, with everything the user typed kept.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.selectors import units_employing
from accounts.validators import district_domains_text, validate_district_email
from catalogue.models import Platform
from core.i18n import localized
from core.text import SingleLineFieldsMixin

from . import rules
from .acknowledgements import active_statements
from .models import AccountRequest


class ShownVersionField(forms.CharField):
    """Hidden: the version of a statement's wording that the page showed when it was opened.

    A page shown again (after an error) always carries the active version, since it shows the
    active wording; the posted value is what `clean` compares.
    """

    widget = forms.HiddenInput

    def bound_data(self, data, initial):
        return initial


def seen_field(code: str) -> str:
    return f"seen_{code}"


def ack_label(statement) -> str:
    """The statement in the reader's language (its French wording when French is active and written)."""
    return _("%(wording)s (AP 1311 %(clause)s)") % {
        "wording": localized(statement, "wording"),
        "clause": statement.clause,
    }


def identification_suggestion(unit) -> str:
    """A starting point for the §1.2.4 wording; the requester adds the class or grade."""
    if unit.website_url:
        return _("Professional social media site of %(unit)s, run by district staff. Official website: %(url)s") % {
            "unit": unit.name,
            "url": unit.website_url,
        }
    return _("Professional social media site of %(unit)s, run by district staff.") % {"unit": unit.name}


def initial_values(user) -> dict:
    """Prefill for a new request: the user's district address, and the unit's §1.2.4 details when
    the user works in one unit only."""
    initial = {"account_email": user.email}
    units = list(units_employing(user)[:2])
    if len(units) == 1:
        unit = units[0]
        initial.update(
            org_unit=unit.pk,
            identification_text=identification_suggestion(unit),
            school_website_url=unit.website_url,
        )
    return initial


class AccountRequestForm(SingleLineFieldsMixin, forms.ModelForm):
    """One page: where, what for, who for, comments, identity of the site, and the statements.

    `intent` is DRAFT (save what there is, incomplete is fine) or SUBMIT (every rule and every
    statement). In both cases nothing that breaks a rule is ever saved. One-line fields (the site
    name, the audience...) refuse line breaks and control characters (SingleLineFieldsMixin).
    """

    DRAFT = "draft"
    SUBMIT = "submit"

    school_based = forms.TypedChoiceField(
        label=gettext_lazy("Kind of site"),
        choices=[
            ("True", gettext_lazy("School-based: instructional, educational or extra-curricular (§1.2.1)")),
            ("False", gettext_lazy("Not school-based: a support-services or district site (§1.2.2)")),
        ],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
        initial="True",
    )
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose of the school-based site"),
        choices=AccountRequest.Purpose.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy("§1.2.1: school-based sites serve one of these matters. Needed for school-based sites."),
    )
    network = forms.ChoiceField(
        label=gettext_lazy("Network"),
        choices=AccountRequest.Network.choices,
        widget=forms.RadioSelect,
        initial=AccountRequest.Network.PRIVATE,
        help_text=gettext_lazy(
            "§1.4.4 recommends a private network unless there is a specific educational need for a public one."
        ),
    )
    comment_setting = forms.ChoiceField(
        label=gettext_lazy("Planned comment setting"),
        choices=AccountRequest.Comments.choices,
        widget=forms.RadioSelect,
        initial=AccountRequest.Comments.OFF,
    )
    account_email = forms.EmailField(
        label=gettext_lazy("District e-mail address for the account"),
        required=False,
        max_length=AccountRequest._meta.get_field("account_email").max_length,
        validators=[validate_district_email],
    )
    school_website_url = forms.URLField(
        label=gettext_lazy("Link to the school or unit website"),
        required=False,
        max_length=AccountRequest._meta.get_field("school_website_url").max_length,
        assume_scheme="https",
        help_text=gettext_lazy("§1.2.4: the site links back to this page."),
    )

    class Meta:
        model = AccountRequest
        fields = list(rules.REQUEST_FIELDS)
        labels = {
            "org_unit": gettext_lazy("School or department"),
            "platform": gettext_lazy("Platform"),
            "title": gettext_lazy("Site name"),
            "mission_alignment": gettext_lazy("How the site serves the district's mission"),
            "description": gettext_lazy("What the site is for"),
            "intended_audience": gettext_lazy("Intended audience"),
            "public_justification": gettext_lazy("Educational need for a public network"),
            "identification_text": gettext_lazy("How the site identifies itself"),
        }
        help_texts = {
            "title": gettext_lazy("For example “Room 12 Grade 5 class page”."),
            "mission_alignment": gettext_lazy(
                "§1.2.2: a site that is not school-based is aligned with the district's mission and "
                "function. Needed for sites that are not school-based."
            ),
            "description": gettext_lazy("What you will post and how students, parents or colleagues will use it."),
            "intended_audience": gettext_lazy("§1.4.4: who the site is for, e.g. “students and parents of Room 12”."),
            "public_justification": gettext_lazy("§1.4.4: needed only for a public network."),
            "identification_text": gettext_lazy(
                "§1.2.4: the site says it is a professional district site and names the school, "
                "department or grade using it."
            ),
        }
        widgets = {
            "mission_alignment": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "public_justification": forms.Textarea(attrs={"rows": 3}),
            "identification_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, intent: str = DRAFT, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.intent = intent

        units = units_employing(user)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].error_messages["invalid_choice"] = _(
            "Choose a school or department you work in: requests are made for your own unit."
        )
        if units.count() == 1:
            self.fields["org_unit"].empty_label = None

        platforms = Platform.objects.approved()
        self.fields["platform"].queryset = platforms
        self.fields["platform"].error_messages["invalid_choice"] = _(
            "Choose one of the district-approved platforms (AP 1311 §1.4.7)."
        )
        self.fields["platform"].help_text = _("§1.4.7: only platforms the district has approved are listed.")
        self.no_comments_off = [p.name for p in platforms if not p.supports_comments_off]
        note = _("§1.4.3: off or moderated is the recommended default; comments left on are read every day.")
        if self.no_comments_off:
            note += " " + _("Comments cannot be turned off on %(platforms)s.") % {
                "platforms": ", ".join(self.no_comments_off)
            }
        self.fields["comment_setting"].help_text = note
        domains = district_domains_text()
        self.fields["account_email"].help_text = _(
            "§1.1.1: a district address (%(domains)s), never a personal one."
        ) % {"domains": domains}

        # Only the unit, the platform and a name are needed for a draft; clean() asks for the rest
        # when submitting, so a half-written draft can always be saved.
        for name in rules.REQUEST_FIELDS:
            if name not in ("org_unit", "platform", "title", "school_based", "network", "comment_setting"):
                self.fields[name].required = False

        # The policy versions asked now (§1.2.3): data kept by district admins, read once per form.
        self.statements = active_statements()
        ticked = rules.acknowledged_codes(
            self.instance.draft_acknowledgements if self.instance.pk else {}, self.statements
        )
        for statement in self.statements:
            self.fields[rules.ack_field(statement.code)] = forms.BooleanField(
                label=ack_label(statement),
                required=False,
                initial=statement.code in ticked,
                help_text=localized(statement, "why") or statement.clause,
            )
            self.fields[seen_field(statement.code)] = ShownVersionField(required=False, initial=statement.version)

        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("The site"),
                "org_unit",
                "platform",
                "title",
            ),
            Fieldset(
                _("Purpose (§1.2.1, §1.2.2)"),
                "school_based",
                Div("purpose", css_class="js-school-based"),
                Div("mission_alignment", css_class="js-not-school-based"),
                "description",
            ),
            Fieldset(
                _("Audience and privacy (§1.4.4)"),
                "intended_audience",
                "network",
                Div("public_justification", css_class="js-public-only"),
            ),
            Fieldset(_("Comments (§1.4.3)"), "comment_setting"),
            Fieldset(
                _("Identity of the site (§1.1.1, §1.2.4)"),
                "account_email",
                "identification_text",
                "school_website_url",
            ),
            Fieldset(
                _("Statements to acknowledge"),
                HTML(
                    format_html(
                        '<p class="form-text">{}</p>',
                        _(
                            "All of them are needed to submit; a draft can be saved with some still open. Each one "
                            "is recorded with its wording version and time when you submit."
                        ),
                    )
                ),
                *[name for s in self.statements for name in (rules.ack_field(s.code), seen_field(s.code))],
            ),
        )

    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, text) for the summary at the top of the page: one line per field, and one line
        for all the statements still to tick."""
        lines, open_statements, first_statement = [], 0, ""
        for message in self.non_field_errors():
            lines.append(("", message))
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            anchor = self[name].id_for_label or ""
            if name.startswith("ack_"):
                open_statements += 1
                first_statement = first_statement or anchor
            else:
                lines.append(
                    (anchor, _("%(field)s: %(error)s") % {"field": field.label, "error": self.errors[name][0]})
                )
        if open_statements:
            text = ngettext(
                "Statements: %(count)s statement still to tick.",
                "Statements: %(count)s statements still to tick.",
                open_statements,
            )
            lines.append((first_statement, text % {"count": open_statements}))
        return lines

    def acknowledged(self) -> list[str]:
        """The statement codes ticked on this form."""
        return [s.code for s in self.statements if self.cleaned_data.get(rules.ack_field(s.code))]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in rules.REQUEST_FIELDS if name in self.cleaned_data}

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name) for name in rules.REQUEST_FIELDS}
        for statement in self.statements:
            seen = cleaned.get(seen_field(statement.code))
            if cleaned.get(rules.ack_field(statement.code)) and seen and seen != statement.version:
                # The tick was given to a wording that has been replaced since the page was opened.
                self.add_error(
                    rules.ack_field(statement.code),
                    _("This statement was reworded since you opened the page: read the new wording and tick it again."),
                )
        if self.intent == self.SUBMIT:
            problems = rules.submission_problems(
                requester=self.user,
                values=values,
                acknowledged=rules.current_versions(
                    (s.code for s in self.statements if cleaned.get(rules.ack_field(s.code))), self.statements
                ),
                statements=self.statements,
            )
        else:
            problems = rules.draft_problems(requester=self.user, values=values)
        for field, message in problems.items():
            if field in self.errors:
                continue  # the field already says what is wrong with it
            self.add_error(field if field in self.fields else None, message)
        return cleaned

    def _post_clean(self):
        # The services save the request (and check the same rules again); the form never does.
        pass


class DecisionForm(SingleLineFieldsMixin, forms.Form):
    """The approver's decision; a comment is required to reject or to ask for changes."""

    APPROVE = "approve"
    CHANGES = "changes"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        choices=[
            (APPROVE, gettext_lazy("Approve: the employee may set up the account")),
            (CHANGES, gettext_lazy("Ask for changes: send it back with what to change")),
            (REJECT, gettext_lazy("Reject: the account must not be set up")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the requester"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Needed when you ask for changes or reject. The requester sees it and it is kept in the audit trail."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in (self.CHANGES, self.REJECT) and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Write what should change, or why the request is rejected."))
        return cleaned


class WithdrawForm(SingleLineFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
