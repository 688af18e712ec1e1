"""The scorecard page's filters (django-filter), as a GET form the board can bookmark."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from scorecard import selectors
from scorecard.compute import Comparison
from scorecard.models import Measure, PriorityArea


class ScorecardFilterForm(forms.Form):
    """Adds "changed only", which the view applies after comparing the rows with the latest
    edition (selectors.board_rows): "changed" is decided in Python, in one place, not in SQL."""

    changed = forms.BooleanField(required=False, label="Only rows changed since the last edition")


class ScorecardFilter(django_filters.FilterSet):
    priority_area = django_filters.ModelChoiceFilter(
        field_name="commitment__priority_area",
        queryset=PriorityArea.objects.all(),
        label="Priority area",
        empty_label="All priority areas",
    )
    source = django_filters.ChoiceFilter(
        choices=lambda: [(source, source) for source in selectors.measure_sources()],
        label="Source",
        empty_label="All sources",
    )
    compared = django_filters.ChoiceFilter(
        choices=[(c.value, c.value) for c in Comparison],
        method="filter_compared",
        label="Compared with England",
        empty_label="Any comparison",
    )

    class Meta:
        model = Measure
        fields = ["priority_area", "source", "compared"]
        form = ScorecardFilterForm

    def __init__(self, *args: Any, edition_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.order_fields(["priority_area", "source", "compared", "changed"])
        if edition_name is None:
            del self.form.fields["changed"]
        else:
            self.form.fields["changed"].label = f"Only rows changed since {edition_name}"

    def filter_queryset(self, queryset: QuerySet[Measure]) -> QuerySet[Measure]:
        """The database filters; "changed" is a form field only, applied to the rows later."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_compared(
        self, queryset: QuerySet[Measure], name: str, value: str
    ) -> QuerySet[Measure]:
        # A measure whose row was never computed shows as Not Comparable, so it matches that.
        matches = Q(row__compared=value)
        if value == Comparison.NOT_COMPARABLE:
            matches |= Q(row__isnull=True)
        return queryset.filter(matches)

    def _valid_choices(self) -> dict[str, Any]:
        """The choices that are valid: an invalid filter is reported on the form and ignored,
        as django-filter does when filtering."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def changed_only(self) -> bool:
        return bool(self._valid_choices().get("changed"))

    @property
    def active(self) -> bool:
        """Whether any filter narrows the rows (to say "showing N of M")."""
        return any(self._valid_choices().values())
