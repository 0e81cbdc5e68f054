"""The dashboard's rollup: one row of figures per org unit, so a view sums 2,000 rows, not millions.

The figures are those of `reports.district_figures` (the live computation, which stays the reference):
accounts by platform, privacy and comment setting, overdue reviews (§1.2.1.3), moderation check-ins made
and missed over 30 and 90 days and per week (§1.4.3), requests decided in a year and their median time
to a decision (§1.4.6). A row is current while it was computed today (windows move with the district's
day) and no change to the unit's data happened since (`changes` == `computed_changes`; rollups.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKS = 12


def _zeros():
    return [0] * WEEKS


class UnitRollup(models.Model):
    unit = models.OneToOneField(
        to="accounts.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="dashboard_rollup",
    )
    for_day = models.DateField(_("day"), null=True, help_text=_("The district day the figures were computed for."))
    changes = models.PositiveBigIntegerField(
        _("changes"), default=1, help_text=_("Bumped by every change to the unit's data.")
    )
    computed_changes = models.PositiveBigIntegerField(
        _("changes when computed"), default=0, help_text=_("`changes` when last computed.")
    )
    computed_at = models.DateTimeField(_("computed at"), null=True)

    active = models.PositiveIntegerField(_("active accounts"), default=0)
    by_platform = models.JSONField(_("by platform"), default=dict)
    public = models.PositiveIntegerField(_("public accounts"), default=0)
    private = models.PositiveIntegerField(_("private accounts"), default=0)
    comments_off = models.PositiveIntegerField(_("comments off"), default=0)
    comments_moderated = models.PositiveIntegerField(_("comments moderated"), default=0)
    comments_on = models.PositiveIntegerField(_("comments on"), default=0)
    overdue_reviews = models.PositiveIntegerField(_("overdue reviews"), default=0)
    checkins_30 = models.PositiveIntegerField(_("check-ins (30 days)"), default=0)
    missed_30 = models.PositiveIntegerField(_("missed check-ins (30 days)"), default=0)
    checkins_90 = models.PositiveIntegerField(_("check-ins (90 days)"), default=0)
    missed_90 = models.PositiveIntegerField(_("missed check-ins (90 days)"), default=0)
    # Check-ins made and missed in each of the last 12 weeks (Monday to Sunday), oldest first.
    weekly_made = models.JSONField(_("check-ins made per week"), default=_zeros)
    weekly_missed = models.JSONField(_("check-ins missed per week"), default=_zeros)
    decided = models.PositiveIntegerField(_("requests decided"), default=0)
    median_decision_days = models.FloatField(_("median days to a decision"), null=True)

    class Meta:
        verbose_name = _("unit rollup")

    def __str__(self):
        return f"Figures of unit {self.unit_id} for {self.for_day}"

    # The same reading interface as reports.UnitFigures, for the dashboard's template.
    @property
    def comments(self) -> dict:
        return {"off": self.comments_off, "moderated": self.comments_moderated, "on": self.comments_on}

    @property
    def public_share(self):
        return round(100 * self.public / self.active, 1) if self.active else None

    @property
    def compliance_30(self):
        return _rate(self.checkins_30, self.missed_30)

    @property
    def compliance_90(self):
        return _rate(self.checkins_90, self.missed_90)


def _rate(made: int, missed: int) -> float | None:
    due = made + missed
    return round(100 * made / due, 1) if due else None
