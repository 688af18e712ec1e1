"""Forms for entering figures on the grid, picking a period and uploading a file.

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

from portal.text import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH
from scorecard.periods import PERIOD_TYPE_LABELS, Period, PeriodError, PeriodType, parse_period
from submissions.models import Submission, UploadMode
from submissions.resources import size_problem
from submissions.validation import Issue, RawRow

#: The most rows the entry grid takes: each row posts GridRowForm's nine fields, and Django
#: refuses a POST of more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) fields. Returns with more
#: rows are changed by uploading a file.
FORM_MAX_ROWS = 90
#: The choice on the period page that asks for every measure's period now due.
DUE = "due"

_NUMBER = {"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}
#: The long format's figure columns, which each area's three grid fields map to in order.
#: The long format's figure columns, in the order of each area's fields (GridRowForm.AREAS).
FIGURES = ("value", "numerator", "denominator", "variance")


def _figure_field() -> forms.CharField:
    """A figure typed as text: the validator, not the form, decides what is a number."""
    return forms.CharField(
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={**_NUMBER, "class": "govuk-input--width-5"}),
        error_messages={"max_length": "Enter a figure of at most 40 characters"},
    )


class PeriodChoiceForm(forms.Form):
    """Which figures to enter: those now due (each measure's latest ended period), one of the
    recent or missing periods offered, or any other ended period of the organisation's types,
    typed as on the scorecard. `period` in cleaned_data is a Period, or DUE."""

    period = forms.CharField(
        label="Period",
        required=False,
        help_text=(
            "The figures now due, a recent period, or an earlier period still missing a figure. "
            "Figures can be entered once a period has ended."
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
        self,
        *args: Any,
        choices: list[tuple[str, list[Period]]],
        today: date,
        offer_due: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.offer_due = offer_due
        self.types = {PeriodType(t) for t, _ in choices}
        # One of the two is needed, so neither is labelled "(optional)".
        for name in ("period", "other"):
            self.fields[name].mark_optional = False  # type: ignore[attr-defined]
        widget = self.fields["period"].widget
        assert isinstance(widget, forms.Select)
        first = (
            [(DUE, "The figures now due (each measure’s latest period)")]
            if offer_due
            else [("", "Choose a period")]
        )
        widget.choices = first + [
            (PERIOD_TYPE_LABELS[PeriodType(t)], [(p.label, p.label) for p in periods])
            for t, periods in choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen, typed = data.get("period") or "", (data.get("other") or "").strip()
        if not chosen and not typed:
            self.add_error("period", "Choose a period, or type another one below")
            return data
        if chosen == DUE and not typed and self.offer_due:
            data["period"] = DUE
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


class GridRowForm(forms.Form):
    """One row of the entry grid: a measure's figures for one period, the local area's (with
    numerator and denominator) and England's, and one note for both. The hidden fields say which
    measure and period; the validator checks them like any other input, never trusting them."""

    measure = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    period = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    value = _figure_field()
    numerator = _figure_field()
    denominator = _figure_field()
    england = _figure_field()
    england_numerator = _figure_field()
    england_denominator = _figure_field()
    note = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "app-entry-grid__note"}),
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer"},
    )
    variance = _figure_field()

    #: The form's fields for each area, in the order of FIGURES (England's figure needs no
    #: variance: it is the comparator, not tested).
    AREAS = (
        ("local", ("value", "numerator", "denominator", "variance")),
        ("england", ("england", "england_numerator", "england_denominator")),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Warnings the validator raised, by field name, to show beside the figure.
        self.warnings: dict[str, list[str]] = {}

    def identity(self) -> tuple[str, str]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else self.initial
        return str(data.get("measure") or ""), str(data.get("period") or "")


class BaseGridFormSet(forms.BaseFormSet):
    """The grid's rows. Each row becomes up to two long-format rows (its local figure and
    England's), numbered in order; the validator's issues come back to the field they concern."""

    #: What the long format calls England (the area's name).
    england = "England"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Long-format row number -> (form, which area's fields).
        self.placement: dict[int, tuple[GridRowForm, tuple[str, ...]]] = {}

    def raw_rows(self) -> list[RawRow]:
        """The figures typed in, as long-format rows; a row left blank is no figure. The note
        goes with every area that has a figure (with the local one if neither has)."""
        rows: list[RawRow] = []
        self.placement = {}
        for form in self.forms:
            data = form.cleaned_data
            note = data.get("note", "")
            typed = [
                (area, names)
                for area, names in GridRowForm.AREAS
                if any(str(data.get(n) or "").strip() for n in names)
            ]
            if not typed and note.strip():
                typed = [GridRowForm.AREAS[0]]
            for area, names in typed:
                number = len(rows) + 1
                fields = {
                    "measure": data.get("measure", ""),
                    "period": data.get("period", ""),
                    "area": self.england if area == "england" else "",
                    "note": note,
                    **{
                        target: data.get(name, "")
                        for target, name in zip(FIGURES, names, strict=False)
                    },
                }
                rows.append(RawRow(number, fields))
                self.placement[number] = (form, names)
        return rows

    def add_issues(self, issues: list[Issue]) -> list[Issue]:
        """Show each issue on the field it concerns (errors) or beside it (warnings); return
        those that belong to no row."""
        unplaced = []
        for issue in issues:
            placed = self.placement.get(issue.row) if issue.row is not None else None
            if placed is None:
                unplaced.append(issue)
                continue
            form, names = placed
            name = _field_for(issue.field, names)
            if issue.level == "warning":
                form.warnings.setdefault(name or names[0], []).append(issue.message)
            else:
                form.add_error(name, issue.message)
        return unplaced


def _field_for(column: str, names: tuple[str, ...]) -> str | None:
    """The grid field of a long-format column for one area; None (the row) for the measure,
    period and area, which the grid does not let people type."""
    if column == "note":
        return "note"
    if column in FIGURES and FIGURES.index(column) < len(names):
        return names[FIGURES.index(column)]
    return None


GridFormSet = forms.formset_factory(
    GridRowForm,
    formset=BaseGridFormSet,
    extra=0,
    max_num=FORM_MAX_ROWS,
    absolute_max=FORM_MAX_ROWS,
    validate_max=True,
)


class UploadForm(forms.Form):
    """A values file, and where its figures go: with an open return, whether they are added to
    its figures or replace them; without one, a new return or one of the organisation's open
    returns (the field is left out when there is no choice to make)."""

    file = forms.FileField(
        label="Upload a file",
        help_text=(
            "A CSV (UTF-8) or Excel (.xlsx) file with the columns measure, period, area, value, "
            f"numerator, denominator and note, up to {filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        ),
    )
    destination = forms.ChoiceField(
        label="Where should the figures go?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the figures should go"},
    )

    def __init__(
        self,
        *args: Any,
        submission: Submission | None = None,
        open_returns: list[Submission] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        field = self.fields["destination"]
        assert isinstance(field, forms.ChoiceField)
        if submission is not None:
            field.label = f"What should the file do to submission {submission.pk}?"
            field.help_text = (
                "Either way, a figure in the file replaces the return's figure for the same "
                "measure, area and period."
            )
            field.choices = [
                (UploadMode.ADD, "Add its figures to the return, keeping the others"),
                (UploadMode.REPLACE, "Replace all the return's figures with the file's"),
            ]
            self.initial.setdefault("destination", UploadMode.ADD)
        elif open_returns:
            field.help_text = "Adding to an open return keeps its figures that the file lacks."
            field.choices = [("new", "A new return")] + [
                (
                    str(s.pk),
                    f"Add to submission {s.pk} ({s.get_status_display().lower()}, "
                    f"{_figures(getattr(s, 'value_count', 0))})",
                )
                for s in open_returns
            ]
            self.returns = {str(s.pk): s for s in open_returns}
            self.initial.setdefault("destination", "new")
        else:
            del self.fields["destination"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        too_large = size_problem(upload.size or 0)  # before the file is read into memory
        if too_large:
            raise forms.ValidationError(too_large)
        return upload

    def target(self) -> tuple[Submission | None, str]:
        """The return the figures go to (None for a new one) and how: added or replacing."""
        choice = self.cleaned_data.get("destination", "new")
        if self.submission is not None:
            return self.submission, choice
        if choice == "new":
            return None, UploadMode.REPLACE
        return self.returns[choice], UploadMode.ADD


def _figures(count: int) -> str:
    return "1 figure" if count == 1 else f"{count:,} figures"


class SendBackForm(forms.Form):
    """An approver's reason for sending a return or a commentary back to its data lead."""

    comment = forms.CharField(
        label="Comment for the data lead",
        help_text="Say what needs to change. The data lead sees it with their work and by e-mail.",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter a comment saying what the data lead needs to change"},
    )
