"""Form pieces every list shares.

`LookupField` picks one object by what people type (a school's code or name) instead of a `<select>`
listing every object: a district of 2,000 schools would otherwise render 2,000 options on every page
of every list. When the person's choices are few, the input suggests them (an HTML `<datalist>`, read
out by screen readers as an autocomplete); otherwise it is a plain search box with its help text.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .converters import is_valid_id


class SuggestingTextInput(forms.TextInput):
    """A text input with a `<datalist>` of suggestions, when `suggestions()` gives at most `limit`."""

    def __init__(self, attrs=None, *, limit: int = 50):
        super().__init__(attrs)
        self.limit = limit
        self.suggestions = None  # set by LookupField: a callable returning at most limit + 1 values

    def render(self, name, value, attrs=None, renderer=None):
        options = list(self.suggestions()) if self.suggestions else []
        if not options or len(options) > self.limit:
            return super().render(name, value, attrs, renderer)
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-suggestions"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        items = format_html_join("", '<option value="{}"></option>', ((option,) for option in options))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, items)


class LookupField(forms.CharField):
    """One object of `queryset`, named by any of `exact` (case-insensitive), by its id, or by the only
    object whose `search` field contains the text. Cleans to the object (None when empty)."""

    def __init__(
        self,
        *,
        queryset: QuerySet | None = None,
        exact: tuple[str, ...] = ("code", "name"),
        search: str = "name",
        suggest: str = "name",
        messages: dict | None = None,
        **kwargs,
    ):
        kwargs.setdefault("widget", SuggestingTextInput(attrs={"type": "search", "autocomplete": "off"}))
        super().__init__(**kwargs)
        self.exact, self.search, self.suggest = exact, search, suggest
        # What a person reads when the text names no unit, or several (other nouns: pass `messages`).
        self.messages = messages or {
            "none": _("No unit of yours is called “%(text)s”."),
            "ambiguous": _("Several units match “%(text)s” (%(names)s…): type more of the name, or its code."),
        }
        self.queryset = queryset

    @property
    def queryset(self):
        return self._queryset

    @queryset.setter
    def queryset(self, queryset):
        self._queryset = queryset
        if isinstance(self.widget, SuggestingTextInput):
            limit = self.widget.limit
            self.widget.suggestions = (
                None
                if queryset is None
                else lambda: queryset.order_by(self.suggest).values_list(self.suggest, flat=True)[: limit + 1]
            )

    def clean(self, value):
        text = super().clean(value)
        if not text or self.queryset is None:
            return None
        exact = Q()
        for name in self.exact:
            exact |= Q(**{f"{name}__iexact": text})
        if is_valid_id(text):
            exact |= Q(pk=int(text))
        found = list(self.queryset.filter(exact)[:2])
        if len(found) != 1:
            found = list(self.queryset.filter(**{f"{self.search}__icontains": text}).order_by(self.search)[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(self.messages["none"], params={"text": text}, code="none")
        names = ", ".join(str(getattr(x, self.search)) for x in found[:5])
        raise ValidationError(
            self.messages["ambiguous"],
            params={"text": text, "names": names},
            code="ambiguous",
        )
