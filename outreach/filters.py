import django_filters
from django.db.models import Q
from django.utils import timezone

from accounts.models import OrgUnit

from .models import MediaInquiry, SchoolEvent


class InquiryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.ChoiceFilter(choices=MediaInquiry.Status.choices, empty_label="Any status")
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.none(), label="Unit", empty_label="All units")

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
        choices=[("upcoming", "Upcoming"), ("past", "Past")],
        empty_label="Upcoming and past",
        label="When",
    )
    org_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(), label="School", empty_label="All schools"
    )
    confirmed = django_filters.ChoiceFilter(
        method="filter_confirmed",
        choices=[("yes", "Announcement confirmed"), ("no", "Not confirmed yet")],
        empty_label="Confirmed or not",
        label="Announcement",
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
