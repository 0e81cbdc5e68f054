"""Offboarding cases: one per person who left and unit they left (AP 1311 §1.4.5, issue 15).

A case lists what the person's leaving left undone in one unit: accounts they owned (a new owner is
needed), accounts whose password they could reveal (a new password is needed) and their requests still
waiting (withdrawn or decided). The registry and approvals services do the work; each item closes when
the audit event of that work is recorded (offboarding/receivers.py), and the case closes with its last
item. At most one open case per person and unit.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OffboardingCase(models.Model):
    class Trigger(models.TextChoices):
        DEACTIVATED = "deactivated", _("Account deactivated")
        LEFT_UNIT = "left_unit", _("Left the unit")
        LOST_APPROVER_ROLE = "lost_approver_role", _("No longer approver")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person leaving"),
        on_delete=models.PROTECT,
        related_name="offboarding_cases",
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="offboarding_cases"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Two triggers for the same departure (left the unit, then deactivated) share one case.
            models.UniqueConstraint(
                fields=["person", "org_unit"], condition=Q(closed_at__isnull=True), name="offboarding_one_open_case"
            ),
        ]

    def __str__(self):
        return f"{self.person} leaving {self.org_unit}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class CaseItem(models.Model):
    class Kind(models.TextChoices):
        NEW_OWNER = "new_owner", _("Needs a new owner")
        NEW_PASSWORD = "new_password", _("Needs a new password")
        PENDING_REQUEST = "pending_request", _("Request still open")

    case = models.ForeignKey(OffboardingCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    entry = models.ForeignKey(
        "registry.RegistryEntry",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offboarding_items",
    )
    account_request = models.ForeignKey(
        "approvals.AccountRequest",
        verbose_name=_("account request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offboarding_items",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_how = models.CharField(
        _("how it was done"), max_length=60, blank=True, help_text=_("The audit action that did the work.")
    )

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "entry"], condition=Q(entry__isnull=False), name="offboarding_item_per_entry"
            ),
            models.UniqueConstraint(
                fields=["case", "account_request"],
                condition=Q(account_request__isnull=False),
                name="offboarding_item_per_request",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.entry or self.account_request}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AccessReview(models.Model):
    """An access review (recertification, §1.4.5 and §1.2.1.3): the approvers of some units confirm, account
    by account, that the registry is still right. A district admin starts one (e.g. each term); a new
    approver of a unit gets one for that unit alone (a handover review, `handover_to`)."""

    title = models.CharField(_("title"), max_length=120)
    due_on = models.DateField(_("due on"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    handover_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hand over to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handover_reviews",
        help_text=_("The new approver a handover review was started for."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ReviewItem(models.Model):
    """One account to confirm in a review, and the approver's answer (who, when, what)."""

    review = models.ForeignKey(AccessReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="items")
    org_unit = models.ForeignKey("accounts.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        "registry.RegistryEntry",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="access_review_items",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    still_in_use = models.BooleanField(_("still in use"), null=True)
    owner_right = models.BooleanField(_("owner correct"), null=True)
    co_admins_right = models.BooleanField(_("co-administrators correct"), null=True)
    password_current = models.BooleanField(
        _("password current"), null=True, help_text=_("Changed since the last review, or no change needed.")
    )

    class Meta:
        ordering = ["org_unit__name", "entry__handle", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "entry"], name="offboarding_one_item_per_account")]

    def __str__(self):
        return f"{self.review}: {self.entry}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def all_confirmed(self) -> bool:
        return bool(self.still_in_use and self.owner_right and self.co_admins_right and self.password_current)
