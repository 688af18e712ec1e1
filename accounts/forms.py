"""Forms for signing in, inviting people and changing their roles, and organisations. Errors are
written for the person filling the form in; the rules behind them live in accounts.services."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from accounts.models import Organisation, Role
from accounts.services import password_recorded

#: What each role is for, as a hint under each choice.
ROLE_HINTS = {
    Role.DATA_LEAD: "Enters, uploads and submits their organisation’s figures",
    Role.APPROVER: "Reviews returns, approves them or sends them back, publishes editions",
    Role.BOARD_MEMBER: "Reads the published scorecard and its editions",
    Role.ADMIN: "Manages people, organisations and the catalogue of measures",
}


class SignInForm(AuthenticationForm):
    """Sign-in form without autofocus: GOV.UK pages let keyboard and screen-reader users start
    at the skip link and the heading, not halfway down the page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


def _password_labels(form: forms.Form) -> None:
    """Labels as people say them; the second password is a check, not a second password."""
    labels = {
        "old_password": "Your current password",
        "new_password1": "New password",
        "new_password2": "Type the new password again",
    }
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
    if "new_password2" in form.fields:
        form.fields["new_password2"].help_text = ""


class AuditedSetPasswordForm(SetPasswordForm):
    """Choosing a password from an invitation or a reset link, recorded in the audit trail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _password_labels(self)

    def save(self, commit: bool = True) -> Any:
        first = not self.user.has_usable_password()
        user = super().save(commit=commit)
        if commit:
            password_recorded(user, how="invitation" if first else "reset")
        return user


class AuditedPasswordChangeForm(PasswordChangeForm):
    """Changing one's own password, recorded in the audit trail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _password_labels(self)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            password_recorded(user, how="change")
        return user


def _role_field() -> forms.ChoiceField:
    widget = forms.RadioSelect()
    widget.choice_hints = {str(k): v for k, v in ROLE_HINTS.items()}  # type: ignore[attr-defined]
    return forms.ChoiceField(
        label="Role",
        choices=Role.choices,
        widget=widget,
        error_messages={"required": "Choose what they will do in the portal"},
    )


def _organisation_field() -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="None",
        help_text="Needed for a data lead: the organisation whose figures they enter.",
    )
    # Needed for one role and not the others: "(optional)" would mislead.
    field.mark_optional = False  # type: ignore[attr-defined]
    return field


class PersonForm(forms.Form):
    """A person's name, role and organisation, as an admin changes them."""

    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter their first name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter their last name"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = _role_field()
    organisation = _organisation_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.DATA_LEAD and not data.get("organisation"):
            self.add_error(
                "organisation",
                "Choose the organisation this data lead enters figures for: a data lead needs one",
            )
        return data


class InviteForm(PersonForm):
    """Who to invite: their e-mail address (which is also their username), name, role and
    organisation."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=150,
        help_text="The invitation goes here; it is also the username they sign in with.",
        error_messages={
            "required": "Enter their e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
            "max_length": "The e-mail address must be 150 characters or fewer",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = ["email", "first_name", "last_name", "role", "organisation"]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "sources", "is_default_owner"]
        labels = {
            "name": "Name",
            "short_name": "Short name",
            "sources": "Sources it is responsible for",
            "is_default_owner": "Owns the national datasets",
        }
        widgets = {"sources": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {
                "required": "Enter the organisation’s name",
                "unique": "There is already an organisation with this name",
            },
            "short_name": {
                "required": "Enter a short name, for menus and file names",
                "unique": "There is already an organisation with this short name",
            },
        }
