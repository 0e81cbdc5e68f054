"""The student media consent roster (AP 1311 §1.3.6, Appendix 1201 C).

§1.3.6: nothing that identifies a student, photographs included, goes on a professional site without
the student's consent (the parents' below the age of consent). Schools collect the consent form every
year; the roster is what a teacher needs of it before a post, and nothing more (data minimisation):

- Roster: one per school and school year, purged after the year (rules.py, services.purge_expired_rosters).
- SchoolClass: a class or homeroom of that roster (from the SIS export or OneRoster classes).
- Student: the school's identifier for the student, a display name, the grade, the classes, and per
  kind of use one of consented / refused / not returned, with the date and who recorded it.
  A form not returned counts as no (§1.3.6 asks for consent, silence is not consent).

No birth date, address, parent, photo or other field is kept: docs/privacy.md describes the model for a
privacy impact assessment. Every change goes through services.py (audit event in the same transaction).
A student's str() never holds their name, so audit events and logs that name the object carry only its id.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy


class Consent(models.TextChoices):
    CONSENTED = "consented", gettext_lazy("Consented")
    REFUSED = "refused", gettext_lazy("Refused")
    NOT_RETURNED = "not_returned", gettext_lazy("Form not returned")


# The kinds of use on the consent form (Appendix 1201 C), as (field name, short label) pairs.
USES: list[tuple[str, str]] = [
    ("photo_video", gettext_lazy("photo or video")),
    ("name_use", gettext_lazy("name")),
    ("work_samples", gettext_lazy("work samples")),
]
USE_FIELDS = [field for field, _ in USES]


class Roster(models.Model):
    """The consent answers of one school for one school year."""

    org_unit = models.ForeignKey(
        "accounts.OrgUnit",
        on_delete=models.PROTECT,
        related_name="consent_rosters",
        verbose_name=gettext_lazy("school"),
    )
    school_year = models.PositiveSmallIntegerField(
        gettext_lazy("school year"), help_text=gettext_lazy("The year the school year started (2026 for 2026–27).")
    )
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)
    last_imported_at = models.DateTimeField(gettext_lazy("last imported at"), null=True, blank=True)
    last_imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("last imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["org_unit__name", "-school_year"]
        verbose_name = gettext_lazy("consent roster")
        verbose_name_plural = gettext_lazy("consent rosters")
        constraints = [models.UniqueConstraint(fields=["org_unit", "school_year"], name="roster_once_per_unit_year")]

    def __str__(self):
        # English whatever the reader's language: audit events keep it as the target's name.
        return f"{self.org_unit} consent roster {self.school_year}–{(self.school_year + 1) % 100:02d}"


class SchoolClass(models.Model):
    """A class or homeroom of a roster, e.g. “Div 3”, “5A” or “Science 9 block B”."""

    roster = models.ForeignKey(
        Roster, verbose_name=gettext_lazy("roster"), on_delete=models.CASCADE, related_name="classes"
    )
    name = models.CharField(gettext_lazy("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("class")
        verbose_name_plural = gettext_lazy("classes")
        constraints = [models.UniqueConstraint("roster", Lower("name"), name="class_name_once_per_roster_ci")]

    def __str__(self):
        return self.name


class Student(models.Model):
    """What a teacher needs to know of one student before posting (§1.3.6), and no more."""

    roster = models.ForeignKey(
        Roster, verbose_name=gettext_lazy("roster"), on_delete=models.CASCADE, related_name="students"
    )
    school_identifier = models.CharField(
        gettext_lazy("student number"),
        max_length=40,
        help_text=gettext_lazy("The student number of the student information system (never shown to teachers)."),
    )
    display_name = models.CharField(
        gettext_lazy("name"), max_length=120, help_text=gettext_lazy("The name teachers know the student by.")
    )
    grade = models.CharField(
        gettext_lazy("grade"), max_length=10, blank=True, help_text=gettext_lazy("e.g. K, 1 … 12.")
    )
    classes = models.ManyToManyField(
        SchoolClass, related_name="students", blank=True, verbose_name=gettext_lazy("classes")
    )
    photo_video = models.CharField(
        gettext_lazy("photo or video on district social media"),
        max_length=20,
        choices=Consent.choices,
        default=Consent.NOT_RETURNED,
    )
    name_use = models.CharField(
        gettext_lazy("name"), max_length=20, choices=Consent.choices, default=Consent.NOT_RETURNED
    )
    work_samples = models.CharField(
        gettext_lazy("work samples"), max_length=20, choices=Consent.choices, default=Consent.NOT_RETURNED
    )
    consent_date = models.DateField(
        gettext_lazy("date of the answer"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When the form came back (or the answer was given)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = gettext_lazy("student")
        verbose_name_plural = gettext_lazy("students")
        constraints = [
            models.UniqueConstraint(fields=["roster", "school_identifier"], name="student_once_per_roster"),
        ]
        indexes = [models.Index(fields=["roster", "photo_video"])]

    def __str__(self):
        # Never the name: audit events and logs that mention a student carry only this.
        return f"student record {self.pk}"

    def state(self, use: str) -> str:
        return getattr(self, use)

    def may(self, use: str) -> bool:
        """Only an explicit yes counts (§1.3.6): refused and not returned are both a no."""
        return getattr(self, use) == Consent.CONSENTED

    @property
    def restrictions(self) -> list[tuple[str, str, str]]:
        """(use field, label, state) for every use this student has not consented to."""
        return [(field, label, getattr(self, field)) for field, label in USES if not self.may(field)]

    @property
    def may_appear_everywhere(self) -> bool:
        return not self.restrictions
