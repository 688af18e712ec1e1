"""The form to publish an edition; the service checks the same rules again inside its
transaction, since two approvers may publish at once."""

import re

from django import forms
from django.core.exceptions import ValidationError

from scorecard import selectors
from scorecard.layout import parse_edition_date

_EDITION_NAME = re.compile(r"([A-Za-z]{3})-(\d{4})")


class EditionPublishForm(forms.Form):
    name = forms.CharField(
        label="Edition name",
        help_text="The month the edition is for: a three-letter month and a year, like Jun-2024.",
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
        text = self.cleaned_data["name"].strip()
        match = _EDITION_NAME.fullmatch(text)
        if match is None or parse_edition_date(text) is None:
            raise ValidationError(
                "Enter the edition name as a three-letter month and a year, like Jun-2024"
            )
        name = f"{match[1].title()}-{match[2]}"
        if selectors.edition_exists(name):
            raise ValidationError(
                f"Edition {name} has already been published. Editions cannot be changed: "
                "enter a different month"
            )
        return name
