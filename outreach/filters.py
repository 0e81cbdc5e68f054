import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit

from .models import MediaInquiry, SchoolEvent


class InquiryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=MediaInquiry.Status.choices, empty_label=_("Any status"))
    org_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(), label=_("Unit"), empty_label=_("All units")
    )

    class Meta:
        model = MediaInquiry
        fields = ["q", "status", "org_unit"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org_unit"].queryset = units

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(outlet__icontains=value) | Q(contact_name__icontains=value) | Q(question__icontains=value)
        )


class EventFilter(django_filters.FilterSet):
    when = django_filters.ChoiceFilter(
        method="filter_when",
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        empty_label=_("Upcoming and past"),
        label=_("When"),
    )
    org_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(), label=_("School"), empty_label=_("All schools")
    )
    confirmed = django_filters.ChoiceFilter(
        method="filter_confirmed",
        choices=[("yes", _("Announcement confirmed")), ("no", _("Not confirmed yet"))],
        empty_label=_("Confirmed or not"),
        label=_("Announcement"),
    )

    class Meta:
        model = SchoolEvent
        fields = ["when", "org_unit", "confirmed"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org_unit"].queryset = units

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(starts_at__gte=now).order_by("starts_at", "id")
        return queryset.filter(starts_at__lt=now).order_by("-starts_at", "-id")

    def filter_confirmed(self, queryset, name, value):
        return queryset.filter(announcement_confirmed_at__isnull=(value == "no"))
