"""Text that fits where it goes: single-line fields refuse line breaks and control characters, long
text keeps line breaks and tabs but no other control character, and `clean_text` makes any string
safe to store and to mail (the notifications use it).

A title with a line break once reached an e-mail subject and stopped the e-mail (BadHeaderError);
a NUL character is refused by PostgreSQL. Forms refuse both with a clear message (validators
below, and SingleLineFieldsMixin for whole forms); code that must accept whatever it is given
cleans it instead.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

SINGLE_LINE_MESSAGE = _("Keep this to one line: line breaks, tabs and other control characters are not allowed.")
LONG_TEXT_MESSAGE = _("Remove the control characters (only line breaks and tabs are allowed).")

# Sensible ceilings for free text (a 1 MB description used to be accepted).
LONG_TEXT_MAX_LENGTH = 4000
SHORT_TEXT_MAX_LENGTH = 2000


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls (CR, LF, NUL, ESC...); Zl/Zp: the Unicode line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def has_line_break_or_control(value: str) -> bool:
    return any(_is_control(ch) for ch in value or "")


@deconstructible
class SingleLineValidator:
    """For titles, handles, names, outlets...: one line of printable text."""

    message = SINGLE_LINE_MESSAGE
    code = "single_line"

    def __call__(self, value):
        if has_line_break_or_control(str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


@deconstructible
class LongTextValidator:
    """For descriptions, notes, comments: line breaks and tabs are fine, other control characters are not."""

    message = LONG_TEXT_MESSAGE
    code = "control_character"

    def __call__(self, value):
        if any(_is_control(ch) and ch not in "\r\n\t" for ch in str(value)):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, LongTextValidator)


validate_single_line = SingleLineValidator()
validate_long_text = LongTextValidator()

# Widgets whose value is one line by nature; a Textarea takes several, a password anything.
_SINGLE_LINE_WIDGETS = (forms.TextInput, forms.EmailInput, forms.URLInput)
_EXEMPT_WIDGETS = (forms.PasswordInput, forms.HiddenInput)


class SingleLineFieldsMixin:
    """Put first in a form's bases: every text field shown as a one-line input refuses line breaks
    and control characters, and every Textarea refuses control characters other than line breaks
    and tabs. (A field's own validators still run too.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField) or isinstance(field.widget, _EXEMPT_WIDGETS):
                continue
            if isinstance(field.widget, forms.Textarea):
                wanted = validate_long_text
            elif isinstance(field.widget, _SINGLE_LINE_WIDGETS):
                wanted = validate_single_line
            else:
                continue
            if wanted not in field.validators:
                field.validators.append(wanted)


def one_line(text: str) -> str:
    """Any run of whitespace or control characters (line breaks included) becomes one space."""
    text = _valid_utf8(text)
    return " ".join("".join(" " if _is_control(ch) else ch for ch in text).split())


def clean_text(text) -> str:
    """Any value as text that can be stored and mailed: valid UTF-8, no NUL or other control
    character except line breaks (normalised to \\n) and tabs."""
    text = _valid_utf8(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return "".join(ch for ch in text if ch in "\n\t" or not _is_control(ch))


def _valid_utf8(text) -> str:
    text = "" if text is None else str(text)
    return text.encode("utf-8", "replace").decode("utf-8")  # a lone surrogate becomes "?"
