"""The yearly personal-use attestation records one statement per rule of AP 1311 §2 the portal cannot
see (personal social media is outside it): a confirmation without any one of them is refused."""

import pytest

from outreach import services
from outreach.models import PersonalUseAttestation
from outreach.statements import ATTESTATION_CODES, ATTESTATION_STATEMENTS

pytestmark = pytest.mark.django_db


def _refused_without(code: str, user, clause: str) -> None:
    statement = next(s for s in ATTESTATION_STATEMENTS if s.code == code)
    assert clause in statement.clause
    with pytest.raises(services.OutreachError):
        services.attest_personal_use(user=user, statements=[c for c in ATTESTATION_CODES if c != code])
    assert not PersonalUseAttestation.objects.filter(user=user).exists()
    assert services.attest_personal_use(user=user, statements=ATTESTATION_CODES).statements == list(ATTESTATION_CODES)


def test_the_attestation_is_refused_without_the_no_contact_with_students_statement_2_1_1(teacher):
    _refused_without("no_student_contact", teacher, "§2.1.1")


def test_the_attestation_is_refused_without_the_statement_on_tagging_colleagues_2_2_2(teacher):
    _refused_without("no_tagging_staff", teacher, "§2.2.2")


def test_the_attestation_is_refused_without_the_statement_on_never_tagging_students_2_2_3(teacher):
    _refused_without("no_tagging_students", teacher, "§2.2.3")


def test_the_attestation_is_refused_without_the_statement_that_conduct_rules_apply_off_hours_too_2_2_4(teacher):
    """The same statement records §4.2: the district's conduct rules reach social media."""
    _refused_without("conduct_applies", teacher, "§4.2")


def test_the_attestation_is_refused_without_the_statement_on_student_and_confidential_information_2_2_5(teacher):
    _refused_without("no_student_information", teacher, "§2.2.5")
