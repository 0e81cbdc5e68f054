# The statements requesters acknowledge become policy versions (issue 11, item 9). This seeds the
# wordings and versions the portal shipped with as code constants (approvals/acknowledgements.py up to
# this migration), published and active, and gives every acknowledgement already recorded a copy of the
# wording it was given for. The data below is frozen history: new wordings are new rows, made in the admin.

from django.db import migrations
from django.utils import timezone

SEED_VERSION = "2026-1"

# code, clause, wording, why it is asked
SEED = (
    (
        "ap1201",
        "§1.2.3",
        "I have read and understood AP 1201 Acceptable Use of IT.",
        "§1.2.3: before a professional site is set up, staff confirm they know the district's IT acceptable-use "
        "procedure.",
    ),
    (
        "ap1201_a",
        "§1.2.3",
        "I have read Appendix 1201 A, the staff permission form for access to ICT.",
        "§1.2.3 names this appendix among the documents to read first.",
    ),
    (
        "ap1201_b",
        "§1.2.3",
        "I have read Appendix 1201 B, the student permission form for access to ICT.",
        "§1.2.3 names this appendix among the documents to read first.",
    ),
    (
        "ap1201_c",
        "§1.2.3",
        "I have read Appendix 1201 C, the student media and website consent form.",
        "§1.2.3 names this appendix among the documents to read first.",
    ),
    (
        "platform_rules",
        "§1.3.4",
        "I understand the rules and terms of the platform I am asking to use.",
        "§1.3.4: knowing the platform's own terms is your responsibility; this page links to them.",
    ),
    (
        "no_privacy",
        "§1.4.1",
        "I understand that I have no expectation of privacy in how I use this professional site.",
        "§1.4.1: how a professional site is used may be looked at by the district.",
    ),
    (
        "student_pii",
        "§1.3.6",
        "I will not post student personal information or photos without consent (a parent's "
        "consent when the student is under the age of consent).",
        "§1.3.6: nothing that identifies a student is posted without consent.",
    ),
    (
        "professional_use",
        "§1.2.1.1",
        "I will use the site for professional purposes only.",
        "§1.2.1.1: sites that involve students are for professional purposes only.",
    ),
    (
        "student_accounts",
        "§1.2.1.2",
        "I will not review my students' personal social media accounts.",
        "§1.2.1.2: staff do not look at their students' personal accounts.",
    ),
    (
        "daily_monitoring",
        "§1.4.3",
        "If comments are on, I will monitor them every day; if moderated, regularly.",
        "§1.4.3: comments off or moderated is the recommended default; comments left on are read daily.",
    ),
)


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("approvals", "PolicyVersion")
    Acknowledgement = apps.get_model("approvals", "Acknowledgement")
    now = timezone.now()
    for position, (code, clause, wording, why) in enumerate(SEED, start=1):
        PolicyVersion.objects.get_or_create(
            code=code,
            version=SEED_VERSION,
            defaults={
                "clause": clause,
                "wording": wording,
                "why": why,
                "position": position * 10,
                "published_at": now,
                "is_active": True,
            },
        )
    for row in PolicyVersion.objects.all():
        Acknowledgement.objects.filter(statement=row.code, statement_version=row.version, statement_text="").update(
            statement_text=row.wording
        )


def unseed(apps, schema_editor):
    # The acknowledgements keep their wording copies; the seeded rows go with the table's history.
    apps.get_model("approvals", "PolicyVersion").objects.filter(version=SEED_VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("approvals", "0004_policy_versions")]

    operations = [migrations.RunPython(seed, unseed)]
