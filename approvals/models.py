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

from core.text import validate_long_text, validate_single_line


class AccountRequest(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for decision"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Purpose(models.TextChoices):  # §1.2.1
        INSTRUCTIONAL = "instructional", "Instructional"
        EDUCATIONAL = "educational", "Educational"
        EXTRACURRICULAR = "extracurricular", "Extra-curricular program"

    class Network(models.TextChoices):  # §1.4.4
        PRIVATE = "private", "Private network (e.g. one class or grade)"
        PUBLIC = "public", "Public network"

    class Comments(models.TextChoices):  # §1.4.3
        OFF = "off", "Off"
        MODERATED = "moderated", "Moderated (reviewed before they appear)"
        ON = "on", "On (monitored every day)"

    OPEN_STATES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)
    DECIDED_STATES = (Status.APPROVED, Status.REJECTED)
    # The requester may edit (and then submit) in these states only.
    EDITABLE_STATES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    # Withdrawn by the requester at any time before a decision.
    WITHDRAWABLE_STATES = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_requests")
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="account_requests")
    platform = models.ForeignKey("catalogue.Platform", on_delete=models.PROTECT, related_name="account_requests")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    title = models.CharField(
        "site name", max_length=120, validators=[validate_single_line], help_text="e.g. “Room 12 Grade 5 class page”."
    )
    school_based = models.BooleanField(
        "school-based site",
        default=True,
        help_text="School-based sites serve instructional, educational or extra-curricular matters "
        "(§1.2.1); others must align with the district's mission (§1.2.2).",
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, blank=True)
    # Free text has a ceiling (a 1 MB description used to be accepted) and no control characters.
    mission_alignment = models.TextField(blank=True, max_length=2000, validators=[validate_long_text])
    description = models.TextField(max_length=4000, validators=[validate_long_text])
    intended_audience = models.CharField(max_length=200, validators=[validate_single_line])
    network = models.CharField(max_length=10, choices=Network.choices, default=Network.PRIVATE)
    public_justification = models.TextField(blank=True, max_length=2000, validators=[validate_long_text])
    comment_setting = models.CharField(max_length=10, choices=Comments.choices, default=Comments.OFF)
    account_email = models.EmailField("district e-mail for the account")
    identification_text = models.TextField(max_length=1000, validators=[validate_long_text])
    school_website_url = models.URLField("link to the school or unit website")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_comment = models.TextField(blank=True, max_length=4000, validators=[validate_long_text])
    # Statements ticked while the request is being written (code → version). They become
    # Acknowledgement rows, with their time, only when the request is submitted.
    draft_acknowledgements = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
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

    code = models.SlugField(
        max_length=30, help_text="The statement this wording belongs to, e.g. “student_pii”; the same across versions."
    )
    clause = models.CharField(max_length=40, help_text="The clause the statement serves, e.g. “§1.3.6”.")
    version = models.CharField(max_length=20, help_text="e.g. “2026-2”; unique per statement.")
    wording = models.TextField(help_text="What the requester ticks, in the district's own words.")
    why = models.CharField(
        "why it is asked", max_length=300, blank=True, help_text="Shown under the statement on the request form."
    )
    position = models.PositiveSmallIntegerField(default=100, help_text="Order on the request form (smallest first).")
    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the wording is a draft.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(
        default=False, help_text="The version requesters are asked to acknowledge now (one per statement)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "code", "-created_at"]
        verbose_name = "policy version"
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
            before = PolicyVersion.objects.filter(pk=self.pk, published_at__isnull=False).values(*self.FROZEN_FIELDS)
            before = before.first()
            if before and any(before[name] != getattr(self, name) for name in self.FROZEN_FIELDS):
                raise ValidationError(
                    "A published wording never changes: start a new version of the statement instead."
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


class Acknowledgement(models.Model):
    """One recorded acknowledgement of one statement, with its version, wording and time (§1.2.3 etc.).

    `statement_text` is a copy of the wording the person ticked, taken at submission, so the record
    stands on its own whatever happens to the policy versions later.
    """

    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="acknowledgements")
    statement = models.CharField(max_length=30)
    statement_version = models.CharField(max_length=20)
    statement_text = models.TextField("wording acknowledged", blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "statement"]
        constraints = [models.UniqueConstraint(fields=["request", "statement"], name="ack_unique_statement")]

    def __str__(self):
        return f"{self.statement} v{self.statement_version} by {self.acknowledged_by_id}"
