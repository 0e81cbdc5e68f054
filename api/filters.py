"""Filters of the list endpoints: the fields the portal's pages filter on (registry list, request
lists, audit trail), by id or code rather than through a form's choices."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from approvals.models import AccountRequest
from audit.models import AuditEvent
from core.converters import MAX_ID
from registry.models import RegistryEntry


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """A database id: 1 to 2**63-1, so an id beyond 64 bits is a clear 400, never a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


ENTRY_STATUS_CHOICES = [("all", "all"), *[(v, v) for v in RegistryEntry.Status.values]]
FLAG_CHOICES = [("overdue", "overdue"), ("new_owner", "new_owner"), ("decommission", "decommission")]


class UnitFilterMixin(django_filters.FilterSet):
    unit = IdFilter(field_name="org_unit_id", help_text=_("A unit id (see /units/)."))
    unit_code = django_filters.CharFilter(
        field_name="org_unit__code", help_text=_("A unit code, e.g. a school number.")
    )


class RegistryEntryFilter(UnitFilterMixin):
    q = django_filters.CharFilter(method="search", help_text=_("Handle, site name, URL or owner (name or e-mail)."))
    platform = IdFilter(field_name="platform_id", help_text=_("A platform id (see /platforms/)."))
    status = django_filters.ChoiceFilter(
        choices=ENTRY_STATUS_CHOICES,
        method="by_status",
        help_text=_("Default: active and disabled (removed accounts are history: ask for removed or all)."),
    )
    privacy = django_filters.ChoiceFilter(choices=RegistryEntry.Privacy.choices)
    comment_setting = django_filters.ChoiceFilter(choices=RegistryEntry.Comments.choices)
    flag = django_filters.ChoiceFilter(choices=FLAG_CHOICES, method="by_flag", help_text=_("Needs attention."))

    class Meta:
        model = RegistryEntry
        fields = ["q", "unit", "unit_code", "platform", "status", "privacy", "comment_setting", "flag"]

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("status"):
            qs = qs.exclude(status=RegistryEntry.Status.REMOVED)
        return qs

    def search(self, queryset, name, value):
        # Unlike the page's search, never on the login username: a token must not probe login details.
        value = value.strip().lstrip("@")
        if not value:
            return queryset
        return queryset.filter(
            Q(handle__icontains=value)
            | Q(name__icontains=value)
            | Q(url__icontains=value)
            | Q(owner__email__icontains=value)
            | Q(owner__last_name__icontains=value)
            | Q(owner__first_name__icontains=value)
        )

    def by_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def by_flag(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=RegistryEntry.Status.ACTIVE, next_review_due__lt=timezone.localdate())
        if value == "new_owner":
            return queryset.filter(needs_new_owner=True)
        return queryset.filter(status=RegistryEntry.Status.ACTIVE, decommission_requested_at__isnull=False)


class AccountRequestFilter(UnitFilterMixin):
    status = django_filters.ChoiceFilter(choices=AccountRequest.Status.choices)
    platform = IdFilter(field_name="platform_id", help_text=_("A platform id (see /platforms/)."))
    submitted_from = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    submitted_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")

    class Meta:
        model = AccountRequest
        fields = ["status", "unit", "unit_code", "platform", "submitted_from", "submitted_to"]


class AuditEventFilter(UnitFilterMixin):
    """The audit page's filters; its "since/until" dates are `date_from`/`date_to` here, because
    `since` is the stream's cursor."""

    action = django_filters.CharFilter(help_text=_("An action name, e.g. request.approved."))
    actor = django_filters.CharFilter(field_name="actor__email", lookup_expr="icontains", help_text=_("Who (e-mail)."))
    target = django_filters.CharFilter(field_name="target_repr", lookup_expr="icontains", help_text=_("Object name."))
    date_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["unit", "unit_code", "action", "actor", "target", "date_from", "date_to"]
