"""Platform rules are data in two languages (issue 17): English and French, the English as fallback."""

import pytest
from django.core.management import call_command
from django.utils import translation

from catalogue.models import Platform
from core.i18n import localized

pytestmark = pytest.mark.django_db


def test_the_french_rules_are_read_in_french_and_the_english_otherwise():
    platform = Platform.objects.create(name="Padlet", rules="Boards are private.", rules_fr="Les murs sont privés.")
    with translation.override("fr-ca"):
        assert localized(platform, "rules") == "Les murs sont privés."
    with translation.override("en-ca"):
        assert localized(platform, "rules") == "Boards are private."


def test_the_english_rules_stand_in_when_the_french_is_blank():
    platform = Platform.objects.create(name="Padlet", rules="Boards are private.")
    assert platform.rules_fr == ""
    with translation.override("fr-ca"):
        assert localized(platform, "rules") == "Boards are private."


def test_the_demo_platforms_have_their_rules_in_english_and_french():
    call_command("seed_demo", "--without-requests", verbosity=0)
    platforms = list(Platform.objects.all())
    assert platforms
    for platform in platforms:
        assert platform.rules and platform.rules_fr and platform.rules != platform.rules_fr, platform.name
    with translation.override("fr-ca"):
        assert "13 ans" in localized(Platform.objects.get(name="Instagram"), "rules")
