from django import template
from django.utils.html import format_html

from core.once import FIELD_NAME, new_token

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """The hidden one-time token of a creating form (see core.once); a fresh one on every render."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, new_token())
