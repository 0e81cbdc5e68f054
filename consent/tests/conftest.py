"""Builders for consent tests; the cast (teacher, principal, teacher_b...) comes from the root conftest.

`roster_a` is Ridgeview's roster for the current school year, imported from an SIS export:
- Ana Alvarez (5A): consented to everything;
- Ben Brown (5A): refused photos and videos, consented to the rest;
- Cleo Chen (5A): form not returned (nothing in the file);
- Dev Das (5B, grade 5): photos yes, name refused, work samples not returned;
- Eli Evans (6A, grade 6): consented to everything.
`roster_b` is Lakeside's, with one student, Zara Zed (5A), who refused everything.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import MembershipFactory, UserFactory
from accounts.models import Membership
from consent import rules, services

HEADER = "student_number,display_name,grade,homeroom,photo_video,name_use,work_samples,consent_date\n"
ROWS_A = [
    "1001,Ana Alvarez,5,5A,yes,yes,yes,2026-09-10",
    "1002,Ben Brown,5,5A,no,yes,yes,2026-09-11",
    "1003,Cleo Chen,5,5A,,,,",
    "1004,Dev Das,5,5B,yes,no,not returned,2026-09-12",
    "1005,Eli Evans,6,6A,yes,yes,yes,2026-09-12",
]
ROWS_B = ["2001,Zara Zed,5,5A,no,no,no,2026-09-10"]
STUDENT_NAMES = ["Ana Alvarez", "Ben Brown", "Cleo Chen", "Dev Das", "Eli Evans", "Zara Zed"]


def sis(*rows: str, header: str = HEADER) -> str:
    return header + "\n".join(rows) + "\n"


def upload(text: str, name: str = "students.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def year():
    return rules.current_school_year()


@pytest.fixture
def clerk(school_a):
    """Designated office staff of Ridgeview: keeps the roster, no approver rights."""
    user = UserFactory(email="office@sd.example", first_name="Olive", last_name="Office")
    MembershipFactory(user=user, org_unit=school_a, role=Membership.Role.CONSENT_CLERK)
    return user


@pytest.fixture
def import_sis(year):
    def _import(actor, unit, text, *, school_year=None, remove_missing=False):
        return services.import_roster(
            actor=actor,
            org_unit=unit,
            school_year=school_year or year,
            files={"sis": text},
            dry_run=False,
            remove_missing=remove_missing,
        )

    return _import


@pytest.fixture
def roster_a(principal, school_a, import_sis, year):
    import_sis(principal, school_a, sis(*ROWS_A))
    return school_a.consent_rosters.get(school_year=year)


@pytest.fixture
def roster_b(principal_b, school_b, import_sis, year):
    import_sis(principal_b, school_b, sis(*ROWS_B))
    return school_b.consent_rosters.get(school_year=year)


@pytest.fixture
def student(roster_a):
    def _get(name):
        return roster_a.students.get(display_name=name)

    return _get
