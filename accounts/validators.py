"""AP 1311 §1.1.1: professional social media activity uses a district e-mail address only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_district_email(value: str) -> bool:
    domain = (value or "").rsplit("@", 1)[-1].strip().lower()
    return "@" in (value or "") and domain in settings.DISTRICT_EMAIL_DOMAINS


def district_domains_text() -> str:
    return ", ".join(f"@{d}" for d in settings.DISTRICT_EMAIL_DOMAINS)


def validate_district_email(value: str) -> None:
    if not is_district_email(value):
        raise ValidationError(
            _(
                "Use your district e-mail address (%(domains)s). Personal addresses such as Gmail "
                "cannot be used for professional activity (AP 1311 §1.1.1)."
            ),
            code="not_district_email",
            params={"domains": district_domains_text()},
        )
