from django import template
from django.utils import timezone

from moderation.selectors import due_for

register = template.Library()


@register.inclusion_tag("moderation/_due.html", takes_context=True)
def moderation_due(context):
    request = context["request"]
    return {
        "due": due_for(request.user, timezone.localdate()),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
