import django_filters
from django import forms
from django.core.cache import cache

from accounts.models import OrgUnit, User
from accounts.selectors import units_approved_by

from .humanize import action_choices
from .models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.none(), label="Unit", empty_label="All units")
    actor = django_filters.CharFilter(field_name="actor__email", lookup_expr="icontains", label="Who (e-mail)")
    action = django_filters.ChoiceFilter(choices=(), label="Action", empty_label="All actions")
    target = django_filters.CharFilter(field_name="target_repr", lookup_expr="icontains", label="Object")
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["org_unit", "actor", "action", "target", "since", "until"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org_unit"].queryset = units_approved_by(user)
        self.filters["action"].extra["choices"] = action_choices(known_actions())


def known_actions() -> list[str]:
    """The distinct action names (a full scan on millions of events: cached for ten minutes)."""
    return cache.get_or_set(
        "audit:known-actions",
        lambda: list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()),
        600,
    )
