"""The form to publish an edition; the service checks the same rules again inside its
transaction, since two approvers may publish at once."""

from django import forms
from django.core.exceptions import ValidationError

from scorecard import selectors
from scorecard.periods import edition_name


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
