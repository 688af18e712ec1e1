"""The returns tracker's filters (django-filter): partner, measure and status, as a GET form an
approver can bookmark, and as the query parameters of `GET /api/v1/due/`."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from accounts.models import Organisation
from collection.due import ReturnStatus
from scorecard.models import Measure


def _measure_choices() -> list[tuple[int, str]]:
    return [
        (number, f"{number}. {name}")
        for number, name in Measure.objects.filter(active=True, organisation__isnull=False)
        .order_by("number")
        .values_list("number", "name")
    ]


class ReturnFilter(django_filters.FilterSet):
    """Partner and measure narrow the measures read; status is a computed property of each
    period's return, so it does not touch the query and the caller applies `statuses` to the
    tracker's rows (selectors.returns), the one place statuses are decided."""

    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.order_by("name"),
        to_field_name="short_name",
        label="Partner",
        empty_label="All partners",
        help_text="Its short name in links and the API, e.g. Police.",
    )
    measure = django_filters.ChoiceFilter(
        field_name="number",
        choices=_measure_choices,
        label="Measure",
        empty_label="All measures",
        help_text="Its number in links and the API, e.g. 3.",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=[(s.value, s.label) for s in ReturnStatus],
        method="_by_status",
        label="Status",
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        help_text=(
            "Choose none to see every status. In links and the API, repeat status= for several."
        ),
    )

    class Meta:
        model = Measure
        fields = ["organisation", "measure", "status"]

    def _by_status(self, queryset: QuerySet[Measure], name: str, value: Any) -> QuerySet[Measure]:
        return queryset

    @property
    def statuses(self) -> set[ReturnStatus]:
        """The statuses asked for (none: every status); only once the form is valid."""
        if not self.is_bound or not self.form.is_valid():
            return set()
        return {ReturnStatus(s) for s in self.form.cleaned_data.get("status") or []}

    @property
    def active(self) -> bool:
        return self.is_bound and self.form.is_valid() and any(self.form.cleaned_data.values())
