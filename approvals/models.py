"""Account requests: an employee asks the principal or supervisor before setting up a
professional social media account (AP 1311 §1.2.3, §1.4.6).

States: draft → submitted → changes_requested ↔ submitted → approved | rejected;
withdrawn by the requester at any time before a decision. Transitions live in services.py.

The statements a requester acknowledges are policy versions (PolicyVersion), data that district
admins keep in the admin; each Acknowledgement keeps its own copy of the wording that was ticked.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.text import validate_long_text, validate_single_line


class AccountRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for decision")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Purpose(models.TextChoices):  # §1.2.1
        INSTRUCTIONAL = "instructional", _("Instructional")
        EDUCATIONAL = "educational", _("Educational")
        EXTRACURRICULAR = "extracurricular", _("Extra-curricular program")

    class Network(models.TextChoices):  # §1.4.4
        PRIVATE = "private", _("Private network (e.g. one class or grade)")
        PUBLIC = "public", _("Public network")

    class Comments(models.TextChoices):  # §1.4.3
        OFF = "off", _("Off")
        MODERATED = "moderated", _("Moderated (reviewed before they appear)")
        ON = "on", _("On (monitored every day)")

    OPEN_STATES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)
    DECIDED_STATES = (Status.APPROVED, Status.REJECTED)
    # The requester may edit (and then submit) in these states only.
    EDITABLE_STATES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    # Withdrawn by the requester at any time before a decision.
    WITHDRAWABLE_STATES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_requests", verbose_name=_("requester")
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="account_requests", verbose_name=_("unit")
    )
    platform = models.ForeignKey(
        "catalogue.Platform", on_delete=models.PROTECT, related_name="account_requests", verbose_name=_("platform")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    title = models.CharField(
        _("site name"),
        max_length=120,
        validators=[validate_single_line],
        help_text=_("e.g. “Room 12 Grade 5 class page”."),
    )
    school_based = models.BooleanField(
        _("school-based site"),
        default=True,
        help_text=_(
            "School-based sites serve instructional, educational or extra-curricular matters "
            "(§1.2.1); others must align with the district's mission (§1.2.2)."
        ),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    # Free text has a ceiling (a 1 MB description used to be accepted) and no control characters.
    mission_alignment = models.TextField(
        _("mission alignment"), blank=True, max_length=2000, validators=[validate_long_text]
    )
    description = models.TextField(_("description"), max_length=4000, validators=[validate_long_text])
    intended_audience = models.CharField(_("intended audience"), max_length=200, validators=[validate_single_line])
    network = models.CharField(_("network"), max_length=10, choices=Network.choices, default=Network.PRIVATE)
    public_justification = models.TextField(
        _("public justification"), blank=True, max_length=2000, validators=[validate_long_text]
    )
    comment_setting = models.CharField(
        _("comment setting"), max_length=10, choices=Comments.choices, default=Comments.OFF
    )
    account_email = models.EmailField(_("district e-mail for the account"))
    identification_text = models.TextField(_("identification text"), max_length=1000, validators=[validate_long_text])
    school_website_url = models.URLField(_("link to the school or unit website"))

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_comment = models.TextField(
        _("decision comment"), blank=True, max_length=4000, validators=[validate_long_text]
    )
    # Statements ticked while the request is being written (code → version). They become
    # Acknowledgement rows, with their time, only when the request is submitted.
    draft_acknowledgements = models.JSONField(_("draft acknowledgements"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")
        indexes = [models.Index(fields=["org_unit", "status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="approved_request_has_decider",
            ),
            # A rejection always says who, when and why (issue 3: a comment is required).
            models.CheckConstraint(
                condition=~Q(status="rejected")
                | (Q(decided_by__isnull=False, decided_at__isnull=False) & ~Q(decision_comment="")),
                name="rejected_request_has_decider_and_comment",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.platform}, {self.org_unit})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    @property
    def is_withdrawable(self) -> bool:
        return self.status in self.WITHDRAWABLE_STATES

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATES


class PolicyVersion(models.Model):
    """One wording of one statement that requesters acknowledge (AP 1311 §1.2.3 and the clauses named).

    A statement (`code`) has many versions over time and at most one active version: the one the
    request form asks for. A draft may be edited freely; once published, its wording, clause and
    version never change (publishing a new wording is a new row), so every acknowledgement given for
    a version stays true to what the person read. Publishing and retiring go through
    approvals.services (audited); the admin shows published versions read-only.
    """

    # What a published version may never change again.
    FROZEN_FIELDS = ("code", "clause", "version", "wording")
    # The French texts of a published version may be written once, when still empty, and then never change.
    ADD_ONCE_FIELDS = ("wording_fr", "why_fr")

    code = models.SlugField(
        _("code"),
        max_length=30,
        help_text=_("The statement this wording belongs to, e.g. “student_pii”; the same across versions."),
    )
    clause = models.CharField(
        _("clause"), max_length=40, help_text=_("The clause the statement serves, e.g. “§1.3.6”.")
    )
    version = models.CharField(_("version"), max_length=20, help_text=_("e.g. “2026-2”; unique per statement."))
    wording = models.TextField(_("wording"), help_text=_("What the requester ticks, in the district's own words."))
    why = models.CharField(
        _("why it is asked"),
        max_length=300,
        blank=True,
        help_text=_("Shown under the statement on the request form."),
    )
    # Data in two languages (issue 17): the French wording people read when they use the portal in
    # French; empty, they read the English. Shown through core.i18n.localized(statement, "wording").
    wording_fr = models.TextField(
        _("wording (French)"),
        blank=True,
        help_text=_("The same statement in French. Once published, it may be added if missing, never changed."),
    )
    why_fr = models.CharField(_("why it is asked (French)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Order on the request form (smallest first).")
    )
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("Empty while the wording is a draft.")
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(
        _("active"),
        default=False,
        help_text=_("The version requesters are asked to acknowledge now (one per statement)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "code", "-created_at"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="policy_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_active=True), name="policy_one_active_version_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(published_at__isnull=False), name="policy_active_is_published"
            ),
        ]

    def __str__(self):
        return f"{self.code} v{self.version}"

    def save(self, *args, **kwargs):
        # A published wording is evidence of what people agreed to: it never changes in place.
        if self.pk:
            before = PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False)
            before = before.values(*self.FROZEN_FIELDS, *self.ADD_ONCE_FIELDS).first()
            if before and (
                any(before[name] != getattr(self, name) for name in self.FROZEN_FIELDS)
                or any(before[name] and before[name] != getattr(self, name) for name in self.ADD_ONCE_FIELDS)
            ):
                raise ValidationError(
                    _("A published wording never changes: start a new version of the statement instead.")
                )
        super().save(*args, **kwargs)

    @property
    def text(self) -> str:
        """The wording (the name the request form and its labels use)."""
        return self.wording

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def state(self) -> str:
        if self.is_active:
            return "active"
        return "superseded or retired" if self.is_published else "draft"

    @property
    def state_label(self) -> str:
        """`state` in words for the admin, in the reader's language."""
        labels = {"active": _("active"), "draft": _("draft"), "superseded or retired": _("superseded or retired")}
        return str(labels[self.state])


class Acknowledgement(models.Model):
    """One recorded acknowledgement of one statement, with its version, wording and time (§1.2.3 etc.).

    `statement_text` is a copy of the wording the person ticked, taken at submission, so the record
    stands on its own whatever happens to the policy versions later: the French wording, with
    `statement_language` "fr-ca", when they read the form in French (issue 17; empty before then).
    """

    request = models.ForeignKey(
        AccountRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="acknowledgements"
    )
    statement = models.CharField(_("statement"), max_length=30)
    statement_version = models.CharField(_("statement version"), max_length=20)
    statement_text = models.TextField(_("wording acknowledged"), blank=True)
    # The language of `statement_text` (issue 17): "fr-ca" when the person read and ticked the French wording.
    statement_language = models.CharField(_("language of the wording"), max_length=10, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    class Meta:
        ordering = ["request", "statement"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [models.UniqueConstraint(fields=["request", "statement"], name="ack_unique_statement")]

    def __str__(self):
        return f"{self.statement} v{self.statement_version} by {self.acknowledged_by_id}"
