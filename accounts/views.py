"""The language switch on every page (issue 17)."""

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .models import User


@require_POST
def set_language(request):
    """Django's set_language (the cookie, a safe redirect back to `next`), plus the signed-in
    person's saved preference, which their e-mails and reminders follow."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        User.objects.filter(pk=request.user.pk).update(language=language)
    elif language not in dict(settings.LANGUAGES):
        messages.error(request, _("That language is not offered."))
    return response
