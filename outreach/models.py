"""Media inquiries (AP 1311 §1.5.1), school events with the parents' no-photo reminder (§3.1) and the
yearly staff attestation of the personal-use rules (§2, §4.2).

Every change goes through services.py (audit event + notifications in one transaction); the
models only hold data and small guards ("may this still be acknowledged?").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.text import validate_long_text, validate_single_line


class MediaInquiry(models.Model):
    """A question from the media that reached an employee through a professional site (§1.5.1).

    States: new → acknowledged → responded → closed; the communications manager may also respond
    or close straight from new. Closed is final.
    """

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for the communications manager")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESPONDED = "responded", _("Responded")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (Status.NEW, Status.ACKNOWLEDGED, Status.RESPONDED)

    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="media_inquiries_logged",
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="media_inquiries"
    )
    registry_entry = models.ForeignKey(
        "registry.RegistryEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_inquiries",
        verbose_name=_("registered account"),
        help_text=_("The account on the registry the inquiry came through, if it is one of yours."),
    )
    received_via = models.CharField(
        _("site or account"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Or describe the site, e.g. “@ridgeview_gr5 on Instagram”."),
    )
    outlet = models.CharField(
        _("media outlet"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Newspaper, station, blog or publication."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, validators=[validate_single_line])
    contact_details = models.CharField(
        _("how to reach them"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("E-mail address, phone number or handle."),
    )
    question = models.TextField(_("what they asked"), max_length=4000, validators=[validate_long_text])
    deadline = models.DateTimeField(_("deadline"), help_text=_("When the outlet wants an answer (district time)."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)

    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="media_inquiries_handled",
        help_text=_("The communications manager who last acted on it."),
    )
    acknowledged_at = models.DateTimeField(_("receipt acknowledged at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("media inquiry")
        verbose_name_plural = _("media inquiries")
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            # Acting on an inquiry is the communications manager's job, never the person who logged it.
            models.CheckConstraint(
                condition=Q(handled_by__isnull=True) | ~Q(handled_by=models.F("logged_by")),
                name="inquiry_not_handled_by_logger",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="closed_inquiry_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.outlet}: {self.question[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    def can_be_acknowledged(self) -> bool:
        return self.status == self.Status.NEW

    def can_be_responded_to(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.ACKNOWLEDGED)

    def can_be_closed(self) -> bool:
        return self.is_open

    def is_overdue(self, now) -> bool:
        return self.status == self.Status.NEW and self.deadline < now


class InquiryUpdate(models.Model):
    """One step in an inquiry's history, with the note the employee reads (acknowledged, responded...)."""

    class Action(models.TextChoices):
        LOGGED = "logged", _("Logged")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESPONDED = "responded", _("Responded")
        CLOSED = "closed", _("Closed")

    inquiry = models.ForeignKey(
        MediaInquiry, verbose_name=_("media inquiry"), on_delete=models.CASCADE, related_name="updates"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    note = models.TextField(_("note"), blank=True, max_length=4000, validators=[validate_long_text])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.author_id}"


class SchoolEvent(models.Model):
    """An assembly or event parents are invited to; the organiser reads the no-photo reminder (§3.1)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("school"), on_delete=models.PROTECT, related_name="school_events"
    )
    title = models.CharField(
        _("title"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("e.g. “Winter concert”, “Grade 5 assembly”."),
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True, help_text=_("District time."))
    location = models.CharField(
        _("location"), max_length=200, blank=True, validators=[validate_single_line], help_text=_("e.g. Gym, library.")
    )
    # Who takes part, as the school's consent roster names them (§1.3.6): the organiser's reminder counts
    # how many of them have no photo consent.
    classes_taking_part = models.JSONField(
        _("classes taking part"), default=list, blank=True, help_text=_("Class or homeroom names.")
    )
    grades_taking_part = models.JSONField(
        _("grades taking part"), default=list, blank=True, help_text=_('Grades, e.g. ["4", "5"].')
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="events_organised"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    announcement_confirmed_at = models.DateTimeField(
        _("announcement read out"), null=True, blank=True, help_text=_("When the organiser confirmed it (§3.1).")
    )
    announcement_version = models.CharField(_("announcement version"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("school event")

    def __str__(self):
        return f"{self.title} ({self.org_unit})"

    @property
    def is_confirmed(self) -> bool:
        return self.announcement_confirmed_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def names_who_takes_part(self) -> bool:
        return bool(self.classes_taking_part or self.grades_taking_part)

    @property
    def taking_part_label(self) -> str:
        """e.g. “5A, 5B; grades 4, 5”."""
        parts = [", ".join(self.classes_taking_part)] if self.classes_taking_part else []
        if self.grades_taking_part:
            grades = ", ".join(self.grades_taking_part)
            parts.append(
                ngettext("grade %(grades)s", "grades %(grades)s", len(self.grades_taking_part)) % {"grades": grades}
            )
        return "; ".join(parts)


class PersonalUseAttestation(models.Model):
    """One employee's yearly confirmation of the personal-use rules (§2, §4.2), with the version confirmed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="attestations"
    )
    school_year = models.PositiveSmallIntegerField(
        _("school year"), help_text=_("The year the school year started (2026 for 2026–27).")
    )
    statement_version = models.CharField(_("statement version"), max_length=20)
    statements = models.JSONField(_("statements"), default=list, help_text=_("Codes of the statements confirmed."))
    attested_at = models.DateTimeField(_("attested at"), auto_now_add=True)

    class Meta:
        ordering = ["-school_year", "-attested_at"]
        verbose_name = _("personal-use attestation")
        constraints = [models.UniqueConstraint(fields=["user", "school_year"], name="attestation_once_per_year")]

    def __str__(self):
        return f"{self.user_id} for {self.school_year} (v{self.statement_version})"
