"""A signed-in person's own language (issue 17).

LocaleMiddleware has already picked the language from the switch's cookie or the browser. For a
signed-in person, their saved choice (User.language) wins on every device; someone who never chose
keeps the language their browser asked for, and it is remembered once so that their e-mails and
reminders, written when no browser is there, arrive in that language too.
"""

from django.utils import translation

from .models import User


class PreferredLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                if user.language != translation.get_language():
                    translation.activate(user.language)
                    request.LANGUAGE_CODE = translation.get_language()
            else:
                User.objects.filter(pk=user.pk, language="").update(language=request.LANGUAGE_CODE)
                user.language = request.LANGUAGE_CODE
        return self.get_response(request)
