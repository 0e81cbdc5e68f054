import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from accounts.models import OrgUnit

from .models import Consent, Student


class StudentFilter(django_filters.FilterSet):
    """The keepers' student list: by class, by what is missing, by name or number."""

    q = django_filters.CharFilter(method="search", label=gettext_lazy("Name or student number"))
    school_class = django_filters.ChoiceFilter(
        method="in_class", label=gettext_lazy("Class"), empty_label=gettext_lazy("All classes")
    )
    missing = django_filters.ChoiceFilter(
        method="filter_missing",
        label=gettext_lazy("Answers"),
        empty_label=gettext_lazy("Everyone"),
        choices=[
            ("photo", gettext_lazy("No photo or video consent")),
            ("any", gettext_lazy("Not consented to every use")),
            ("not_returned", gettext_lazy("Form not returned")),
        ],
    )

    class Meta:
        model = Student
        fields = ["q", "school_class", "missing"]

    def __init__(self, *args, class_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school_class"].extra["choices"] = [(n, n) for n in class_names]

    def search(self, queryset, name, value):
        return queryset.filter(Q(display_name__icontains=value) | Q(school_identifier__iexact=value.strip()))

    def in_class(self, queryset, name, value):
        return queryset.filter(classes__name__iexact=value).distinct()

    def filter_missing(self, queryset, name, value):
        if value == "photo":
            return queryset.exclude(photo_video=Consent.CONSENTED)
        if value == "not_returned":
            return queryset.filter(
                Q(photo_video=Consent.NOT_RETURNED)
                | Q(name_use=Consent.NOT_RETURNED)
                | Q(work_samples=Consent.NOT_RETURNED)
            )
        return queryset.filter(
            ~Q(photo_video=Consent.CONSENTED) | ~Q(name_use=Consent.CONSENTED) | ~Q(work_samples=Consent.CONSENTED)
        )


class LookupFilter(django_filters.FilterSet):
    """The approver's look-up log: by school and by person."""

    org_unit = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.none(), label=gettext_lazy("School"), empty_label=gettext_lazy("All")
    )
    person = django_filters.CharFilter(
        field_name="actor__email", lookup_expr="icontains", label=gettext_lazy("Person (e-mail)")
    )
    since = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["org_unit"].queryset = units
