"""What the portal told whom: an outbox row first, then in-app display and e-mail delivery.

A notification is created in the same transaction as the state change that caused it, so it is
never lost; the e-mail is sent afterwards by a Celery task that claims the row with a conditional
UPDATE, so it is never sent twice.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed permanently")
        SKIPPED = "skipped", _("In-app only")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60, db_index=True, help_text=_("e.g. request.submitted"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    url = models.CharField(_("URL"), max_length=500, blank=True, help_text=_("Where the recipient acts on it."))
    # Same person, reason and period → one notification, even if a sweep runs twice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    email_status = models.CharField(
        _("e-mail status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_last_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    # When the send task was last handed to the broker (None: never, e.g. the broker was down). The
    # minutely flush re-publishes what is still pending a while after this (issue 12).
    email_queued_at = models.DateTimeField(_("e-mail queued at"), null=True, blank=True)
    email_to = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Where the e-mail goes when not to the recipient's own address (a new address to confirm)."),
    )
    email_only = models.BooleanField(
        _("e-mail only"),
        default=False,
        help_text=_(
            "A sign-in e-mail (password reset, address confirmation): not listed in the portal; its text, "
            "which holds a one-time link, is not shown here and is erased once sent."
        ),
    )
    # The sweep run that created it (issue 19): a run bulk-inserts its reminders with conflicts ignored,
    # then reads back which dedupe keys it won; a row of another run was created concurrently.
    sweep_run = models.ForeignKey(
        "notifications.SweepRun",
        verbose_name=_("sweep run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.subject} → {self.recipient.email}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def email_address(self) -> str:
        return self.email_to or self.recipient.email


class SweepRun(models.Model):
    """One run of a reminder sweep: when, for which local day, and what it did (for district admins)."""

    name = models.CharField(_("name"), max_length=60, db_index=True)
    for_date = models.DateField(_("for date"), help_text=_("The district-local day the sweep ran for."))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.name} for {self.for_date}"
