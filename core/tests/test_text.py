"""Single-line fields and long text (issue 12): line breaks and control characters are refused with a
clear form error; text that must be accepted whatever it holds is cleaned instead."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.text import (
    SINGLE_LINE_MESSAGE,
    SingleLineFieldsMixin,
    clean_text,
    one_line,
    validate_long_text,
    validate_single_line,
)


@pytest.mark.parametrize(
    "value", ["Room 12\r\nBcc: x@evil.example", "a\nb", "a\rb", "a\tb", "a\x00b", "a\x1bb", "a\u2028b"]
)
def test_a_single_line_value_with_a_line_break_or_control_character_is_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_single_line(value)
    assert error.value.messages == [SINGLE_LINE_MESSAGE]


def test_ordinary_single_line_text_with_accents_and_emoji_passes():
    validate_single_line("École Ridgeview · Grade 5 🎻 “Winter concert”")


def test_long_text_keeps_line_breaks_and_tabs_but_refuses_other_control_characters():
    validate_long_text("First line\r\nSecond line\n\tindented")
    with pytest.raises(ValidationError):
        validate_long_text("bell\x07")
    with pytest.raises(ValidationError):
        validate_long_text("nul\x00")


class _Form(SingleLineFieldsMixin, forms.Form):
    title = forms.CharField()
    email = forms.EmailField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)


def test_the_mixin_refuses_line_breaks_in_one_line_inputs_only():
    form = _Form({"title": "Winter\r\nconcert", "notes": "line 1\nline 2", "password": "p\tw"})
    assert not form.is_valid()
    assert form.errors == {"title": [SINGLE_LINE_MESSAGE]}


def test_the_mixin_refuses_control_characters_in_a_textarea():
    form = _Form({"title": "Concert", "notes": "ring\x07"})
    assert not form.is_valid() and list(form.errors) == ["notes"]


def test_one_line_folds_every_line_break_and_control_character_into_one_space():
    assert one_line("Room 12\r\n\r\nBcc: x@evil.example\x00\u2028end") == "Room 12 Bcc: x@evil.example end"
    assert one_line(None) == ""


def test_clean_text_keeps_lines_and_drops_what_cannot_be_stored_or_mailed():
    assert clean_text("a\r\nb\rc\x00d\x07e\tf") == "a\nb\ncde\tf"
    assert clean_text("lone \ud800 surrogate") == "lone ? surrogate"
