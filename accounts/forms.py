"""Sign-in form without autofocus: GOV.UK pages let keyboard and screen-reader users start at
the skip link and the heading, not halfway down the page."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
