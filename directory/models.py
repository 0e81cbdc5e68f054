"""Directory sync: connections to the district's identity provider and what they provisioned.

- DirectoryConnection: one identity provider (Entra ID, Okta, ...) allowed to provision the portal.
- ConnectionToken: the bearer tokens of a connection, stored as a SHA-256 hash; the plaintext is shown
  once, when a district admin issues it in the admin.
- DirectoryUser / DirectoryGroup: the SCIM 2.0 resources (RFC 7643) a connection manages. A
  DirectoryUser is the directory's view of one portal user (accounts.User); a DirectoryGroup maps,
  through GroupMapping, to the staff or the approvers of org units.
- ManagedMembership: a Membership that the directory (or a bulk import) gave. The directory removes
  only memberships it gave; those made by hand are left alone.
- ExternalOrg: an org unit's id in a OneRoster export (orgs.csv `sourcedId`), so re-imports find it.
- DirectoryImport: one bulk set-up upload, kept from its preview to its confirmation.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, OrgUnit


class DirectoryConnection(models.Model):
    class Provider(models.TextChoices):
        ENTRA = "entra", _("Microsoft Entra ID")
        OKTA = "okta", "Okta"
        GOOGLE = "google", _("Google Workspace")
        OTHER = "other", _("Other SCIM 2.0 client")

    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("e.g. 'Entra ID (staff)'. Named in the audit trail.")
    )
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices, default=Provider.ENTRA)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("An inactive connection's tokens are refused (provisioning paused).")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("directory connection")

    def __str__(self):
        return self.name


class ConnectionToken(models.Model):
    """A bearer token of a connection. Only its hash is stored; `prefix` tells tokens apart in lists."""

    connection = models.ForeignKey(
        DirectoryConnection, verbose_name=_("connection"), on_delete=models.CASCADE, related_name="tokens"
    )
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The token's first characters, to recognise it."))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("connection token")

    def __str__(self):
        state = "revoked" if self.revoked_at else "active"
        return f"{self.connection} token {self.prefix}… ({state})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class DirectoryUser(models.Model):
    """The SCIM User resource of one portal user, managed by one connection."""

    connection = models.ForeignKey(
        DirectoryConnection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="users"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="directory_record"
    )
    scim_id = models.UUIDField(_("SCIM id"), default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    employee_number = models.CharField(_("employee number"), max_length=100, blank=True)
    display_name = models.CharField(_("display name"), max_length=255, blank=True)
    emails = models.JSONField(
        _("e-mail addresses"), default=list, blank=True, help_text=_("The e-mail addresses the directory sent.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user__email"]
        verbose_name = _("directory user")
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "external_id"],
                condition=~Q(external_id=""),
                name="directory_user_external_id_unique",
            )
        ]

    def __str__(self):
        return self.user.email


class DirectoryGroup(models.Model):
    """The SCIM Group resource: a directory group, mapped to units' staff or approvers by GroupMapping."""

    connection = models.ForeignKey(
        DirectoryConnection, verbose_name=_("connection"), on_delete=models.PROTECT, related_name="groups"
    )
    scim_id = models.UUIDField(_("SCIM id"), default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(_("display name"), max_length=255)
    external_id = models.CharField(_("external id"), max_length=255, blank=True)
    members = models.ManyToManyField(DirectoryUser, verbose_name=_("members"), blank=True, related_name="groups")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("directory group")
        constraints = [
            models.UniqueConstraint(fields=["connection", "display_name"], name="directory_group_name_unique"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.connection})"


class GroupMapping(models.Model):
    """Members of this directory group are the staff (or the approvers) of this org unit."""

    group = models.ForeignKey(
        DirectoryGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="mappings"
    )
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=Membership.Role.choices,
        default=Membership.Role.EMPLOYEE,
        help_text=_("Approvers decide requests and keep the unit's registry (AP 1311 §1.4.5, §1.4.6)."),
    )
    title = models.CharField(
        _("title"), max_length=100, blank=True, help_text=_("Title given to new memberships, e.g. Teacher.")
    )

    class Meta:
        ordering = ["org_unit__name", "role"]
        verbose_name = _("group mapping")
        constraints = [models.UniqueConstraint(fields=["group", "org_unit", "role"], name="group_mapping_unique")]

    def __str__(self):
        return f"{self.group.display_name} → {self.get_role_display()} of {self.org_unit}"


class ManagedMembership(models.Model):
    """A membership the directory gave (connection set) or a bulk import gave (connection empty)."""

    membership = models.OneToOneField(
        Membership, verbose_name=_("membership"), on_delete=models.CASCADE, related_name="managed_by"
    )
    connection = models.ForeignKey(
        DirectoryConnection,
        verbose_name=_("connection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("managed membership")

    def __str__(self):
        return f"{self.membership} (by {self.connection or 'bulk import'})"


class ExternalOrg(models.Model):
    """The OneRoster `sourcedId` of an org unit, so a re-import and users.csv find the same unit."""

    sourced_id = models.CharField(_("sourced ID"), max_length=255, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("OneRoster org")

    def __str__(self):
        return f"{self.sourced_id} → {self.org_unit}"


class DirectoryImport(models.Model):
    """A bulk set-up upload: its checked plan is kept from the preview until it is applied (once)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    file_names = models.CharField(_("file names"), max_length=300, blank=True)
    full_roster = models.BooleanField(
        _("full roster"),
        default=False,
        help_text=_("The staff file lists everyone: people absent from it may be offboarded."),
    )
    data = models.JSONField(_("data"), default=dict, help_text=_("The parsed rows (never a password column)."))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("directory import")

    def __str__(self):
        return f"Import {self.pk} of {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"
