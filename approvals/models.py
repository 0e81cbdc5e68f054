"""Account requests: an employee asks the principal or supervisor before setting up a
professional social media account (AP 1311 §1.2.3, §1.4.6).

States: draft → submitted → changes_requested ↔ submitted → approved | rejected;
withdrawn by the requester at any time before a decision. Transitions live in services.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.text import validate_long_text, validate_single_line

from .acknowledgements import CODE_CHOICES


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


class Acknowledgement(models.Model):
    """One recorded acknowledgement of one statement, with its version and time (§1.2.3 etc.)."""

    request = models.ForeignKey(AccountRequest, on_delete=models.CASCADE, related_name="acknowledgements")
    statement = models.CharField(max_length=30, choices=CODE_CHOICES)
    statement_version = models.CharField(max_length=20)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "statement"]
        constraints = [models.UniqueConstraint(fields=["request", "statement"], name="ack_unique_statement")]

    def __str__(self):
        return f"{self.statement} v{self.statement_version} by {self.acknowledged_by_id}"
