"""The portal's e-mails: one message per person (no one sees who else was told), each with a
plain-text part and an HTML part rendered from a pair of templates, `<name>.txt` and
`<name>.html`, and links made absolute with settings.PORTAL_BASE_URL (an e-mail has no request
to build them from)."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` (from reverse(), with any query) on the portal's public address."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def page_url(url_name: str, *args: Any, query: str = "") -> str:
    """The absolute address of a named page, with an optional query string ("a=1&b=2")."""
    return absolute_url(reverse(url_name, args=args) + (f"?{query}" if query else ""))


def send_each(
    recipients: Iterable[Any],
    *,
    subject: str,
    template: str,
    context: Mapping[str, Any] | Callable[[Any], Mapping[str, Any]],
) -> int:
    """E-mail each recipient (a user with an address) the message `template` renders for them;
    returns how many were sent. `context` is shared, or a function of the recipient. Raises when
    the mail server refuses, so a caller inside a transaction can roll back what it recorded."""
    messages = []
    for user in recipients:
        data = {
            **(context(user) if callable(context) else context),
            "user": user,
            "partnership_name": settings.PARTNERSHIP_NAME,
            "preferences_url": page_url("collection:preferences"),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{template}.txt", data),
            to=[user.email],
        )
        message.attach_alternative(render_to_string(f"{template}.html", data), "text/html")
        messages.append(message)
    if not messages:
        return 0
    return get_connection(fail_silently=False).send_messages(messages) or 0
