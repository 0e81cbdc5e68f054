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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
        ACTIVE = "active", _("Active")
        # An imported account naming its importer as owner or co-admin waits for another approver of
        # the unit or a district admin (§1.4.6: nobody approves their own account).
        PENDING = "pending", _("Awaiting confirmation")
        DISABLED = "disabled", _("Disabled")
        REMOVED = "removed", _("Removed")

    class Privacy(models.TextChoices):  # §1.4.4
        PRIVATE = "private", _("Private network")
        PUBLIC = "public", _("Public network")

    class Comments(models.TextChoices):  # §1.4.3, same values as AccountRequest.Comments
        OFF = "off", _("Off")
        MODERATED = "moderated", _("Moderated")
        ON = "on", _("On (checked daily)")

    request = models.OneToOneField(
        to="approvals.AccountRequest",
        verbose_name=_("approved request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry_entry",
        help_text=_("The approved request (§1.4.6). Empty for accounts imported from an older list."),
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), on_delete=models.PROTECT, related_name="registry_entries"
    )
    org_unit = models.ForeignKey(
        "accounts.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="registry_entries"
    )
    name = models.CharField(_("site name"), max_length=120, blank=True, validators=[validate_single_line])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_registry_entries",
    )
    co_admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_administered_registry_entries",
        verbose_name=_("co-administrators"),
        help_text=_("Other staff with administrative access to the account (§1.4.5)."),
    )
    handle = models.CharField(
        _("handle"),
        max_length=150,
        validators=[validate_single_line],
        help_text=_("The account's name on the platform, without @."),
    )
    url = models.URLField(_("public URL"), max_length=300, blank=True)
    lookup_url = models.CharField(_("normalized URL"), max_length=300, blank=True, db_index=True, editable=False)

    # §1.2.4: how the site says it is a professional district site, and the school or unit website it
    # links to; carried from the approved request at registration, asked for on import, re-confirmed by
    # the owner at each site review.
    identification_text = models.TextField(
        _("identification text"),
        blank=True,
        help_text=_("How the site identifies itself as a professional district site (§1.2.4)."),
    )
    school_website_url = models.URLField(
        _("link to the school or unit website"),
        blank=True,
        help_text=_("The school or unit website the site links to (§1.2.4)."),
    )

    login_username = models.CharField(_("login username"), max_length=150, validators=[validate_single_line])
    login_email = models.EmailField(
        _("login e-mail"), validators=[validate_district_email], help_text=_("A district address (§1.1.1).")
    )
    recovery_email = models.EmailField(
        _("recovery e-mail"),
        blank=True,
        validators=[validate_district_email],
        help_text=_(
            "A district address too: an account recoverable through a personal address is not a "
            "district account (§1.1.1)."
        ),
    )
    password = EncryptedTextField(
        _("password"), blank=True, default="", help_text=_("Encrypted at rest; revealed only on request.")
    )
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    privacy = models.CharField(_("privacy"), max_length=10, choices=Privacy.choices, default=Privacy.PRIVATE)
    comment_setting = models.CharField(_("comments"), max_length=10, choices=Comments.choices, default=Comments.OFF)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)

    review_cadence_days = models.PositiveSmallIntegerField(
        _("review every (days)"),
        default=default_review_cadence,
        help_text=_("How often the owner confirms the site is current (§1.2.1.3)."),
    )
    last_reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), db_index=True)
    decommission_requested_at = models.DateTimeField(_("decommission requested"), null=True, blank=True)

    needs_password_rotation = models.BooleanField(
        _("needs a new password"),
        default=False,
        help_text=_("Someone who knew the password left or lost access: record a new one."),
    )
    needs_new_owner = models.BooleanField(
        _("needs a new owner"), default=False, help_text=_("The owner left: transfer the account.")
    )

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The second approver who confirmed an import that named its importer (§1.4.6)."),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["org_unit__name", "platform__name", "handle"]
        verbose_name = _("registry entry")
        verbose_name_plural = _("registry entries")
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
        if not self.platform_id:
            return f"@{self.handle}"
        return gettext("@%(handle)s on %(platform)s") % {"handle": self.handle, "platform": self.platform}

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
        REGISTERED = "registered", _("Recorded at registration")
        IMPORTED = "imported", _("Imported")
        UPDATED = "updated", _("Changed")
        ROTATION = "rotation", _("Rotated after someone lost access")

    entry = models.ForeignKey(
        RegistryEntry, verbose_name=_("account"), on_delete=models.PROTECT, related_name="password_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, default=Reason.UPDATED)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("password change")
        verbose_name_plural = _("password changes")

    def __str__(self):
        return gettext("%(entry)s: password %(reason)s %(day)s") % {
            "entry": self.entry,
            "reason": self.get_reason_display().lower(),
            "day": f"{self.changed_at:%Y-%m-%d}",
        }


class SiteReview(models.Model):
    """The owner's answer to "is this site still in use and current?" (§1.2.1.3)."""

    class Outcome(models.TextChoices):
        CURRENT = "current", _("Still in use and current")
        DECOMMISSION = "decommission", _("Asked to decommission")

    entry = models.ForeignKey(
        RegistryEntry, verbose_name=_("account"), on_delete=models.PROTECT, related_name="reviews"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True, max_length=1000, validators=[validate_long_text])
    identification_confirmed = models.BooleanField(
        _("identification confirmed"),
        default=False,
        help_text=_(
            "The owner confirmed the site still shows its identification and the school website link (§1.2.4)."
        ),
    )

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("site review")
        verbose_name_plural = _("site reviews")

    def __str__(self):
        return f"{self.entry}: {self.get_outcome_display()} ({self.reviewed_at:%Y-%m-%d})"


class EnforcementAction(models.Model):
    """The principal's or supervisor's disable, remove or feedback, always with a reason (§1.4.2)."""

    class Kind(models.TextChoices):
        DISABLE = "disable", _("Disabled")
        REMOVE = "remove", _("Removed")
        FEEDBACK = "feedback", _("Feedback")
        REACTIVATE = "reactivate", _("Reactivated")

    entry = models.ForeignKey(
        RegistryEntry, verbose_name=_("account"), on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), max_length=2000, validators=[validate_long_text])
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="enforcement_has_reason")]

    def __str__(self):
        return f"{self.entry}: {self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class CoAdminTerm(models.Model):
    """Co-admin access that ends (issue 15, §1.4.5): `user` co-administers `entry` until `ends_on`.

    Co-admins without a term keep their access until it is taken away. The sweep `co_admin_terms` warns 7
    days and 1 day before, and on the day removes the access and flags the password for rotation; `ended_at`
    says when. Removing the co-admin by hand ends the term too.
    """

    entry = models.ForeignKey(
        RegistryEntry, verbose_name=_("account"), on_delete=models.CASCADE, related_name="co_admin_terms"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    ends_on = models.DateField(_("ends on"), help_text=_("The last day of the co-admin's access is the day before."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        ordering = ["ends_on", "id"]
        verbose_name = _("co-admin term")
        verbose_name_plural = _("co-admin terms")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "user"], condition=Q(ended_at__isnull=True), name="registry_one_open_co_admin_term"
            )
        ]

    def __str__(self):
        return gettext("%(user)s on %(entry)s until %(day)s") % {
            "user": self.user,
            "entry": self.entry,
            "day": f"{self.ends_on:%Y-%m-%d}",
        }
