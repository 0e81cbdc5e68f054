"""The account registry (§1.4.5); platforms live in the catalogue app (§1.4.7).

A registry entry is one professional social media account: who owns it, who else has
administrative access, how to sign in to it (the password encrypted at rest), how it is set up
(privacy §1.4.4, comments §1.4.3), its status and its site reviews (§1.2.1.3). Entries are never
deleted through the portal: a removed account stays as history. Every change goes through
registry/services/, which writes the audit trail.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.validators import validate_district_email
from catalogue.models import Platform
from core.indexes import TrigramSearchIndex
from core.text import validate_long_text, validate_single_line

from .fields import EncryptedTextField


def default_review_cadence() -> int:
    return settings.PORTAL["REVIEW_CADENCE_DAYS"]


def normalize_handle(value: str) -> str:
    """`  @Room12 ` → `Room12` (case kept for display; comparisons ignore case)."""
    return (value or "").strip().lstrip("@").strip()


def normalize_url(value: str) -> str:
    """A comparable form of a public URL: host without `www.`/`m.`, path without trailing slash."""
    value = (value or "").strip().lower()
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    except ValueError:  # e.g. a malformed IPv6 host: no URL we could have stored
        return ""
    return f"{host}{parts.path.rstrip('/')}"[:300]


class RegistryEntry(models.Model):
    """One account on the principal's or supervisor's list (§1.4.5)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        # An imported account naming its importer as owner or co-admin waits for another approver of
        # the unit or a district admin (§1.4.6: nobody approves their own account).
        PENDING = "pending", "Awaiting confirmation"
        DISABLED = "disabled", "Disabled"
        REMOVED = "removed", "Removed"

    class Privacy(models.TextChoices):  # §1.4.4
        PRIVATE = "private", "Private network"
        PUBLIC = "public", "Public network"

    class Comments(models.TextChoices):  # §1.4.3, same values as AccountRequest.Comments
        OFF = "off", "Off"
        MODERATED = "moderated", "Moderated"
        ON = "on", "On (checked daily)"

    request = models.OneToOneField(
        "approvals.AccountRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_entry",
        help_text="The approved request (§1.4.6). Empty for accounts imported from an older list.",
    )
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="registry_entries")
    org_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="registry_entries")
    name = models.CharField("site name", max_length=120, blank=True, validators=[validate_single_line])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_registry_entries")
    co_admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_administered_registry_entries",
        verbose_name="co-administrators",
        help_text="Other staff with administrative access to the account (§1.4.5).",
    )
    handle = models.CharField(
        max_length=150, validators=[validate_single_line], help_text="The account's name on the platform, without @."
    )
    url = models.URLField("public URL", max_length=300, blank=True)
    lookup_url = models.CharField(max_length=300, blank=True, db_index=True, editable=False)

    # §1.2.4: how the site says it is a professional district site, and the school or unit website it
    # links to; carried from the approved request at registration, asked for on import, re-confirmed by
    # the owner at each site review.
    identification_text = models.TextField(
        "identification text",
        blank=True,
        help_text="How the site identifies itself as a professional district site (§1.2.4).",
    )
    school_website_url = models.URLField(
        "link to the school or unit website",
        blank=True,
        help_text="The school or unit website the site links to (§1.2.4).",
    )

    login_username = models.CharField("login username", max_length=150, validators=[validate_single_line])
    login_email = models.EmailField(
        "login e-mail", validators=[validate_district_email], help_text="A district address (§1.1.1)."
    )
    recovery_email = models.EmailField(
        "recovery e-mail",
        blank=True,
        validators=[validate_district_email],
        help_text="A district address too: an account recoverable through a personal address is not a "
        "district account (§1.1.1).",
    )
    password = EncryptedTextField(blank=True, default="", help_text="Encrypted at rest; revealed only on request.")
    password_changed_at = models.DateTimeField(null=True, blank=True)

    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.PRIVATE)
    comment_setting = models.CharField(max_length=10, choices=Comments.choices, default=Comments.OFF)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    review_cadence_days = models.PositiveSmallIntegerField(
        default=default_review_cadence, help_text="How often the owner confirms the site is current (§1.2.1.3)."
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateField(db_index=True)
    decommission_requested_at = models.DateTimeField(null=True, blank=True)

    needs_password_rotation = models.BooleanField(
        default=False, help_text="Someone who knew the password left or lost access: record a new one."
    )
    needs_new_owner = models.BooleanField(default=False, help_text="The owner left: transfer the account.")

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The second approver who confirmed an import that named its importer (§1.4.6).",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["org_unit__name", "platform__name", "handle"]
        verbose_name = "registry entry"
        verbose_name_plural = "registry entries"
        constraints = [
            # One live account per handle and platform; removed accounts stay as history.
            models.UniqueConstraint(
                Lower("handle"),
                "platform",
                condition=~Q(status="removed"),
                name="registry_unique_live_handle",
            ),
        ]
        indexes = [
            models.Index(fields=["org_unit", "status"]),
            # The registry search (§1.4.5 at scale): substring search without reading every row.
            TrigramSearchIndex("handle", "name", "url", "login_username", name="registry_search_trgm"),
        ]

    def __str__(self):
        return f"@{self.handle} on {self.platform}" if self.platform_id else f"@{self.handle}"

    def save(self, *args, **kwargs):
        self.lookup_url = normalize_url(self.url)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "url" in update_fields:
            kwargs["update_fields"] = {*update_fields, "lookup_url"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.name or str(self)

    @property
    def has_identification(self) -> bool:
        """Both halves of §1.2.4 are on record."""
        return bool(self.identification_text.strip() and self.school_website_url)

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def is_review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.next_review_due < today

    @property
    def review_overdue(self) -> bool:
        return self.is_review_overdue()


class PasswordChange(models.Model):
    """A dated record that the password changed (never the old or new value)."""

    class Reason(models.TextChoices):
        REGISTERED = "registered", "Recorded at registration"
        IMPORTED = "imported", "Imported"
        UPDATED = "updated", "Changed"
        ROTATION = "rotation", "Rotated after someone lost access"

    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, related_name="password_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.UPDATED)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.entry}: password {self.get_reason_display().lower()} {self.changed_at:%Y-%m-%d}"


class SiteReview(models.Model):
    """The owner's answer to "is this site still in use and current?" (§1.2.1.3)."""

    class Outcome(models.TextChoices):
        CURRENT = "current", "Still in use and current"
        DECOMMISSION = "decommission", "Asked to decommission"

    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    note = models.TextField(blank=True, max_length=1000, validators=[validate_long_text])
    identification_confirmed = models.BooleanField(
        default=False,
        help_text="The owner confirmed the site still shows its identification and the school website link (§1.2.4).",
    )

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"{self.entry}: {self.get_outcome_display()} ({self.reviewed_at:%Y-%m-%d})"


class EnforcementAction(models.Model):
    """The principal's or supervisor's disable, remove or feedback, always with a reason (§1.4.2)."""

    class Kind(models.TextChoices):
        DISABLE = "disable", "Disabled"
        REMOVE = "remove", "Removed"
        FEEDBACK = "feedback", "Feedback"
        REACTIVATE = "reactivate", "Reactivated"

    entry = models.ForeignKey(RegistryEntry, on_delete=models.PROTECT, related_name="enforcement_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(max_length=2000, validators=[validate_long_text])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="enforcement_has_reason")]

    def __str__(self):
        return f"{self.entry}: {self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class CoAdminTerm(models.Model):
    """Co-admin access that ends (issue 15, §1.4.5): `user` co-administers `entry` until `ends_on`.

    Co-admins without a term keep their access until it is taken away. The sweep `co_admin_terms` warns 7
    days and 1 day before, and on the day removes the access and flags the password for rotation; `ended_at`
    says when. Removing the co-admin by hand ends the term too.
    """

    entry = models.ForeignKey(RegistryEntry, on_delete=models.CASCADE, related_name="co_admin_terms")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ends_on = models.DateField(help_text="The last day of the co-admin's access is the day before.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ends_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "user"], condition=Q(ended_at__isnull=True), name="registry_one_open_co_admin_term"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.entry} until {self.ends_on:%Y-%m-%d}"
