"""The statements an employee acknowledges before a request is submitted (AP 1311 §1.2.3 and others).

Each statement is written in the portal's own words and versioned: an acknowledgement records the
code and version it was given for, so a later rewording never changes what someone agreed to.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    code: str
    clause: str
    version: str
    text: str


STATEMENTS: tuple[Statement, ...] = (
    Statement("ap1201", "§1.2.3", "2026-1", "I have read and understood AP 1201 Acceptable Use of IT."),
    Statement(
        "ap1201_a", "§1.2.3", "2026-1", "I have read Appendix 1201 A, the staff permission form for access to ICT."
    ),
    Statement(
        "ap1201_b", "§1.2.3", "2026-1", "I have read Appendix 1201 B, the student permission form for access to ICT."
    ),
    Statement(
        "ap1201_c", "§1.2.3", "2026-1", "I have read Appendix 1201 C, the student media and website consent form."
    ),
    Statement(
        "platform_rules", "§1.3.4", "2026-1", "I understand the rules and terms of the platform I am asking to use."
    ),
    Statement(
        "no_privacy",
        "§1.4.1",
        "2026-1",
        "I understand that I have no expectation of privacy in how I use this professional site.",
    ),
    Statement(
        "student_pii",
        "§1.3.6",
        "2026-1",
        "I will not post student personal information or photos without consent (a parent's "
        "consent when the student is under the age of consent).",
    ),
    Statement("professional_use", "§1.2.1.1", "2026-1", "I will use the site for professional purposes only."),
    Statement(
        "student_accounts", "§1.2.1.2", "2026-1", "I will not review my students' personal social media accounts."
    ),
    Statement(
        "daily_monitoring",
        "§1.4.3",
        "2026-1",
        "If comments are on, I will monitor them every day; if moderated, regularly.",
    ),
)

BY_CODE = {s.code: s for s in STATEMENTS}
CODE_CHOICES = [(s.code, f"{s.clause} {s.text}") for s in STATEMENTS]
