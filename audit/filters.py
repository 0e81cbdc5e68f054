import datetime

import django_filters
from django import forms
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, User
from accounts.selectors import units_approved_by
from core.forms import LookupField

from .humanize import action_choices
from .models import AuditEvent


class UnitFilter(django_filters.Filter):
    """The unit by its name or code (a search box, not a `<select>` of every school)."""

    field_class = LookupField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(org_unit=value)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AuditEventFilter(django_filters.FilterSet):
    org_unit = UnitFilter(label=_("Unit"), help_text=_("Name or code"), queryset=OrgUnit.objects.none())
    actor = django_filters.CharFilter(field_name="actor__email", lookup_expr="icontains", label=_("Who (e-mail)"))
    action = django_filters.ChoiceFilter(choices=(), label=_("Action"), empty_label=_("All actions"))
    target = django_filters.CharFilter(field_name="target_repr", lookup_expr="icontains", label=_("Object"))
    # Days are the district's: bounds on the timestamp itself (an index range), not on its date.
    since = django_filters.DateFilter(
        method="on_or_after", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        method="on_or_before", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["org_unit", "actor", "action", "target", "since", "until"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org_unit"].extra["queryset"] = units_approved_by(user)
        self.filters["action"].extra["choices"] = action_choices(known_actions())

    def on_or_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=_local_midnight(value))

    def on_or_before(self, queryset, name, value):
        try:
            return queryset.filter(created_at__lt=_local_midnight(value + datetime.timedelta(days=1)))
        except OverflowError:  # 9999-12-31: every event is before it
            return queryset


def known_actions() -> list[str]:
    """The distinct action names, cached for ten minutes (cheap without the cache too: see below)."""
    return cache.get_or_set("audit:known-actions", _distinct_actions, 600)


def _distinct_actions() -> list[str]:
    if connection.vendor != "postgresql":
        return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
    # A loose index scan: one index probe per distinct action (a few dozen) instead of reading
    # millions of rows, so a cold or unavailable cache still answers in a millisecond.
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE actions(action) AS (
                (SELECT action FROM {table} ORDER BY action LIMIT 1)
                UNION ALL
                SELECT (SELECT e.action FROM {table} e WHERE e.action > a.action ORDER BY e.action LIMIT 1)
                FROM actions a WHERE a.action IS NOT NULL
            )
            SELECT action FROM actions WHERE action IS NOT NULL
            """  # noqa: S608 (the table name comes from the model)
        )
        return [row[0] for row in cursor.fetchall()]
