"""Forms about editions: comparing any two scorecards, and publishing one (the service checks
the same rules again inside its transaction, since two approvers may publish at once)."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from scorecard import selectors
from scorecard.models import Edition
from scorecard.periods import edition_name

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
