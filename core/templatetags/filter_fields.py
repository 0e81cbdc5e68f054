"""`{{ field|filter_widget }}`: a list filter's input with Bootstrap 5's classes (issue 19).

The filter form of every list (templates/includes/filter_form.html) renders its few fields with the
light `includes/filter_field.html` instead of crispy-forms' field template, which cost more than the
rest of a registry or audit page put together. The markup is crispy's: the same classes, label,
help text (with aria-describedby, from Django) and error feedback.
"""

from django import forms, template

register = template.Library()


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def filter_widget(field: forms.BoundField) -> str:
    widget = field.field.widget
    classes = [widget.attrs.get("class", ""), _css_class(widget), "is-invalid" if field.errors else ""]
    return field.as_widget(attrs={"class": " ".join(c for c in classes if c)})
