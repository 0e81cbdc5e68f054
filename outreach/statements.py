"""Texts the portal shows for outreach, in its own words, versioned.

An attestation records the version it was given for, so rewording a statement later never changes
what someone confirmed; bump ATTESTATION_VERSION whenever a statement's meaning changes.
The texts are lazy (issue 17): each person reads them in their language; a translation says the same thing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Statement:
    code: str
    clause: str
    text: str  # lazy (gettext_lazy)


# AP 1311 §2 (personal social media) and §4.2 (conduct rules still apply online).
ATTESTATION_VERSION = "2026-1"
ATTESTATION_STATEMENTS: tuple[Statement, ...] = (
    Statement(
        "no_student_contact",
        "§2.1.1",
        _(
            "I do not communicate with students currently enrolled in district schools through my personal "
            "social media."
        ),
    ),
    Statement(
        "no_tagging_staff",
        "§2.2.2",
        _(
            "I ask colleagues before I tag them in photos on personal social media, and do not tag them without "
            "their permission."
        ),
    ),
    Statement("no_tagging_students", "§2.2.3", _("I never tag students in photos.")),
    Statement(
        "no_student_information",
        "§2.2.5",
        _(
            "I do not post or share information that identifies a student, or any confidential information, on "
            "personal social media."
        ),
    ),
    Statement(
        "conduct_applies",
        "§2.2.4, §4.2",
        _(
            "I understand that district policies and the law on employee conduct also apply to what I do on "
            "social media, including outside working hours."
        ),
    ),
)
ATTESTATION_CODES = tuple(s.code for s in ATTESTATION_STATEMENTS)

# AP 1311 §3.1: read out to parents before an assembly or event begins. Short enough to read aloud.
EVENT_ANNOUNCEMENT = _(
    "Welcome, families. Before we begin, a quick request: please do not take any photos, pictures, "
    "video or audio recordings during this event, and please do not post any to social media. "
    "This protects the privacy of every student here. Thank you."
)
EVENT_ANNOUNCEMENT_VERSION = "2026-1"
