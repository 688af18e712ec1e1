"""The scorecard page's filters (django-filter), as a GET form the board can bookmark: a text
search, priority area, source, comparison, and the rows to show only (the summary's flags and
"changed since the last edition")."""

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from scorecard import selectors
from scorecard.compute import Comparison
from scorecard.models import Measure, PriorityArea
from scorecard.summary import FLAG_LABELS, Flag

#: The flags the "show only" list offers ("changed" has its own box, as it always had).
SHOWN_FLAGS = [flag for flag in FLAG_LABELS if flag != Flag.CHANGED]
SEARCH_MAX_CHARS = 100


class ScorecardFilterForm(forms.Form):
    """Adds "show only" and "changed only", which the view applies to the board's rows: a row's
    flags are decided in Python, in one place (scorecard.summary), not in SQL."""

    show = forms.ChoiceField(
        required=False,
        label="Show only",
        choices=[("", "All measures"), *((f.value, FLAG_LABELS[f]) for f in SHOWN_FLAGS)],
    )
    changed = forms.BooleanField(required=False, label="Only rows changed since the last edition")


class ScorecardFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        help_text="A measure's name or words from it, or its number",
        max_length=SEARCH_MAX_CHARS,
    )
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
        fields = ["q", "priority_area", "source", "compared"]
        form = ScorecardFilterForm

    def __init__(self, *args: Any, edition_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.form.order_fields(["q", "show", "priority_area", "source", "compared", "changed"])
        if edition_name is None:
            del self.form.fields["changed"]
        else:
            self.form.fields["changed"].label = f"Only rows changed since {edition_name}"

    def filter_queryset(self, queryset: QuerySet[Measure]) -> QuerySet[Measure]:
        """The database filters; "show" and "changed" are form fields only, applied to the rows
        later."""
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_search(
        self, queryset: QuerySet[Measure], name: str, value: str
    ) -> QuerySet[Measure]:
        """Every word in the name (any order, any case), or the measure's number."""
        words = value.split()
        if not words:
            return queryset
        by_name = Q()
        for word in words:
            by_name &= Q(name__icontains=word)
        text = value.strip()
        # A measure number is a small positive integer; longer digits can only be in a name.
        is_number = text.isdigit() and len(text) <= 9
        return queryset.filter(by_name | Q(number=int(text)) if is_number else by_name)

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
    def show(self) -> Flag | None:
        """The flag the rows are narrowed to, if any."""
        value = self._valid_choices().get("show")
        return Flag(value) if value else None

    @property
    def narrows_measures(self) -> bool:
        """Whether a database filter (search, priority area, source, comparison) is chosen."""
        chosen = self._valid_choices()
        return any(chosen.get(name) for name in self.filters)

    @property
    def active(self) -> bool:
        """Whether any filter narrows the rows (to say "showing N of M")."""
        return any(self._valid_choices().values())
