"""Forms about editions (comparing any two scorecards, and publishing one: the service checks
the same rules again inside its transaction, since two approvers may publish at once) and a
measure's target."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from scorecard import selectors
from scorecard.figures import FigureError, read_figure
from scorecard.models import Edition
from scorecard.periods import Period, PeriodError, PeriodType, edition_name, parse_period
from scorecard.targets import TARGET_KIND_LABELS

#: The choice standing for the live scorecard in a comparison.
LIVE = "live"


class EditionPublishForm(forms.Form):
    name = forms.CharField(
        label="Edition name",
        help_text="The month the edition is for and its year, like Jun-2024.",
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-10",
                "autocomplete": "off",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the edition name, like Jun-2024"},
    )

    def clean_name(self) -> str:
        name = edition_name(self.cleaned_data["name"])
        if name is None:
            raise ValidationError("Enter the edition name as a month and a year, like Jun-2024")
        if selectors.edition_exists(name):
            raise ValidationError(
                f"Edition {name} has already been published. Editions cannot be changed: "
                "enter a different month"
            )
        return name


class EditionCompareForm(forms.Form):
    """Which two scorecards to compare: any two editions, or an edition and the live one."""

    before = forms.ChoiceField(label="Compare", help_text="The earlier scorecard.")
    after = forms.ChoiceField(label="With", help_text="The later scorecard.")

    def __init__(self, *args: Any, editions: list[Edition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(e.name, f"{e.name} edition") for e in editions]
        before, after = self.fields["before"], self.fields["after"]
        assert isinstance(before, forms.ChoiceField) and isinstance(after, forms.ChoiceField)
        before.choices = choices
        after.choices = [(LIVE, "Live scorecard"), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("before") and data.get("before") == data.get("after"):
            self.add_error("after", "Choose two different scorecards to compare")
        return data


class TargetForm(forms.Form):
    """A measure's target as typed: the kind, and for a value target its value and, if it has
    one, the period it is due by. Text is read by the one figure and period readers."""

    kind = forms.ChoiceField(
        label="Target",
        choices=[(k.value, label) for k, label in TARGET_KIND_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the measure should aim for"},
    )
    value = forms.CharField(
        label="Value",
        required=False,
        max_length=40,
        help_text="For 'at least' or 'at most': in the measure's unit, as on the scorecard.",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}
        ),
    )
    by_period = forms.CharField(
        label="Due by (period)",
        required=False,
        max_length=40,
        help_text=(
            "For 'at least' or 'at most', optional: the period whose figure should meet it, "
            "written as on the scorecard, like 2025/26 or Mar 26. Figures for earlier periods "
            "that miss it show as not yet on target; leave blank for a target that applies now."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, period_type: PeriodType, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.period_type = period_type

    def clean_value(self) -> Decimal | None:
        try:
            return read_figure(self.cleaned_data["value"])
        except FigureError as exc:
            raise ValidationError(str(exc)) from None

    def clean_by_period(self) -> Period | None:
        text = self.cleaned_data["by_period"].strip()
        if not text:
            return None
        try:
            return parse_period(text, self.period_type)
        except PeriodError as exc:
            raise ValidationError(str(exc)) from None
