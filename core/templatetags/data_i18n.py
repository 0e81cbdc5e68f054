"""Text that is data, in the reader's language (issue 17): `{{ platform|localized:"rules" }}`."""

from django import template

import core.i18n

register = template.Library()


@register.filter
def localized(obj, field):
    return core.i18n.localized(obj, field)
