"""Search and filters of the registry list (§1.4.5 at a glance)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import LookupField

from .forms import SafeModelChoiceField
from .models import Platform, RegistryEntry
from .selectors import entries_to_confirm, registry_units, short_of_admins

STATUS_CHOICES = [
    ("all", _("All, including removed")),
    *RegistryEntry.Status.choices,
]
FLAG_CHOICES = [
    ("overdue", _("Review overdue")),
    ("new_owner", _("Needs a new owner")),
    ("rotation", _("Password rotation needed")),
    ("decommission", _("Decommission requested")),
    ("short_of_admins", _("Too few administrators (§1.4.5)")),
    ("to_confirm", _("Imports waiting for my confirmation")),
]


class SafeModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SafeModelChoiceField


class UnitFilter(django_filters.Filter):
    """The unit by its name or code: a search box (suggestions when the person keeps few units), never a
    `<select>` of every school, which was most of the page's time in a large district."""

    field_class = LookupField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(org_unit=value)


class RegistryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Handle, site, owner, username or URL")
    )
    org_unit = UnitFilter(label=_("Unit"), help_text=_("Name or code"), queryset=None)
    # Only platforms worth filtering on: approved ones, and any other that still has accounts (§1.4.7).
    platform = SafeModelChoiceFilter(
        queryset=Platform.objects.filter(Q(is_approved=True) | Q(registry_entries__isnull=False)).distinct(),
        label=_("Platform"),
        empty_label=_("All platforms"),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="by_status", label=_("Status"), empty_label=_("Active and disabled")
    )
    comment_setting = django_filters.ChoiceFilter(
        choices=RegistryEntry.Comments.choices, label=_("Comments"), empty_label=_("Any")
    )
    flag = django_filters.ChoiceFilter(
        choices=FLAG_CHOICES, method="by_flag", label=_("Needs attention"), empty_label=_("Any")
    )
    # What the links of reminder and escalation e-mails name (?comments=on&comments=moderated,
    # ?overdue=1): hidden in the form, so refining the list keeps them; "Clear" drops them.
    comments = django_filters.MultipleChoiceFilter(
        field_name="comment_setting",
        choices=RegistryEntry.Comments.choices,
        label=_("Comments (from a reminder link)"),
        widget=forms.MultipleHiddenInput,
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("1", _("Review overdue"))], method="by_overdue", label=_("Review overdue"), widget=forms.HiddenInput
    )

    class Meta:
        model = RegistryEntry
        fields = ["q", "org_unit", "platform", "status", "comment_setting", "flag", "comments", "overdue"]

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["org_unit"].extra["queryset"] = registry_units(user)
        self.form.fields["q"].widget = forms.TextInput(attrs={"type": "search"})

    @property
    def qs(self):
        qs = super().qs
        # The default view leaves removed accounts out; "all" or "removed" shows them (history).
        if not (self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("status")):
            qs = qs.exclude(status=RegistryEntry.Status.REMOVED)
        return qs

    def search(self, queryset, name, value):
        value = value.strip().lstrip("@")
        if not value:
            return queryset
        # UNION-shaped: the account's own columns and its owner's, each answered by its table's trigram
        # index (core/indexes.py), instead of one OR over a join that no index can serve.
        own = RegistryEntry.objects.filter(
            Q(handle__icontains=value)
            | Q(name__icontains=value)
            | Q(url__icontains=value)
            | Q(login_username__icontains=value)
        )
        owners = User.objects.filter(
            Q(email__icontains=value) | Q(last_name__icontains=value) | Q(first_name__icontains=value)
        )
        by_owner = RegistryEntry.objects.filter(owner__in=owners.order_by().values("pk"))
        return queryset.filter(pk__in=own.order_by().values("pk").union(by_owner.order_by().values("pk")))

    def by_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        return self.by_flag(queryset, "flag", "overdue") if value == "1" else queryset

    def by_flag(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(status=RegistryEntry.Status.ACTIVE, next_review_due__lt=timezone.localdate())
        if value == "new_owner":
            return queryset.filter(needs_new_owner=True)
        if value == "rotation":
            return queryset.filter(needs_password_rotation=True)
        if value == "decommission":
            return queryset.filter(status=RegistryEntry.Status.ACTIVE, decommission_requested_at__isnull=False)
        if value == "short_of_admins":
            return short_of_admins(queryset)
        if value == "to_confirm":  # §1.4.6: imports another approver named themselves on
            return queryset.filter(pk__in=entries_to_confirm(self.user).values("pk"))
        return queryset
