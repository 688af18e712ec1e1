"""Forms for entering figures, picking a period and uploading a file.

The forms only collect text: judging the figures is `submissions.validation`'s job, so a value
typed here is checked exactly as the same value in a file, the API or `import_values`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from portal.text import NOTE_MAX_LENGTH
from scorecard.periods import PERIOD_TYPE_LABELS, Period, PeriodError, PeriodType, parse_period
from submissions.resources import size_problem
from submissions.validation import FIELDS, Issue, RawRow

#: The most rows the entry form handles; Django refuses POSTs of more than 1,000 fields.
FORM_MAX_ROWS = 120

_NUMBER = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}


def _number_field(label: str, help_text: str) -> forms.CharField:
    """A figure typed as text: the validator, not the form, decides what is a number."""
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={**_NUMBER, "class": "govuk-input--width-10"}),
    )


class PeriodChoiceForm(forms.Form):
    """Which period the figures are for: one of the recent or missing periods offered, or any
    other ended period of the organisation's types, typed as on the scorecard."""

    period = forms.CharField(
        label="Period",
        required=False,
        help_text=(
            "The recent periods, and every earlier period still missing a figure. Figures can "
            "be entered once a period has ended."
        ),
        widget=forms.Select,
    )
    other = forms.CharField(
        label="Or type another period",
        required=False,
        max_length=40,
        help_text="Any ended period, written as on the scorecard, for example Mar 24 or 2019/20.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, list[Period]]], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.types = {PeriodType(t) for t, _ in choices}
        # One of the two is needed, so neither is labelled "(optional)".
        for name in ("period", "other"):
            self.fields[name].mark_optional = False  # type: ignore[attr-defined]
        widget = self.fields["period"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = [("", "Choose a period")] + [
            (PERIOD_TYPE_LABELS[PeriodType(t)], [(p.label, p.label) for p in periods])
            for t, periods in choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, typed = data.get("period") or "", (data.get("other") or "").strip()
        if not chosen and not typed:
            self.add_error("period", "Choose a period, or type another one below")
            return data
        field = "other" if typed else "period"
        try:
            data["period"] = self._ended_period(typed or chosen)
        except forms.ValidationError as exc:
            self.add_error(field, exc)
        return data

    def _ended_period(self, text: str) -> Period:
        try:
            period = parse_period(text)
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if period.type not in self.types:
            label = PERIOD_TYPE_LABELS[period.type]
            kind = label[0].lower() + label[1:]
            raise forms.ValidationError(f"Your organisation has no measures reported by {kind}.")
        if not period.has_ended(self.today):
            raise forms.ValidationError(f"{period.label} has not ended yet.")
        return period


class ValueForm(forms.Form):
    """One measure's figure for one area and period. The hidden fields say which; they are
    checked by the validator like any other input, never trusted."""

    measure = forms.CharField(widget=forms.HiddenInput, required=False)
    area = forms.CharField(widget=forms.HiddenInput, required=False)
    period = forms.CharField(widget=forms.HiddenInput, required=False)
    value = _number_field("Value", "The figure as it should appear on the scorecard.")
    numerator = _number_field(
        "Numerator", "For a percentage or rate: the number it is calculated from."
    )
    denominator = _number_field(
        "Denominator", "For a percentage or rate: the number it is divided by."
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"},
        help_text="Explain anything unusual. Needed before you submit if the value has a warning.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FIGURES = ("value", "numerator", "denominator", "note")

    def has_figures(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(str(data.get(name) or "").strip() for name in self.FIGURES)

    def raw_row(self, row: int) -> RawRow:
        return RawRow(row, {name: self.cleaned_data.get(name, "") for name in FIELDS})

    def add_issue(self, issue: Issue) -> None:
        """Show a validator issue on the field it names (on the form for hidden fields)."""
        name = issue.field if issue.field in self.FIGURES else None
        self.add_error(name, issue.message)


class BaseValueFormSet(forms.BaseFormSet):
    def raw_rows(self) -> list[RawRow]:
        """The rows with anything typed in, numbered from 1 in form order."""
        return [
            form.raw_row(index)
            for index, form in enumerate(self.forms, start=1)
            if form.has_figures()
        ]

    def add_issues(self, issues: list[Issue]) -> list[Issue]:
        """Attach row issues to their forms; return those that belong to no single row."""
        unplaced = []
        for issue in issues:
            if issue.row is not None and 1 <= issue.row <= len(self.forms):
                self.forms[issue.row - 1].add_issue(issue)
            else:
                unplaced.append(issue)
        return unplaced


ValueFormSet = forms.formset_factory(
    ValueForm,
    formset=BaseValueFormSet,
    extra=0,
    max_num=FORM_MAX_ROWS,
    absolute_max=FORM_MAX_ROWS,
    validate_max=True,
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text=(
            "A CSV (UTF-8) or Excel (.xlsx) file with the columns measure, period, area, value, "
            f"numerator, denominator and note, up to {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        too_large = size_problem(upload.size or 0)  # before the file is read into memory
        if too_large:
            raise forms.ValidationError(too_large)
        return upload
