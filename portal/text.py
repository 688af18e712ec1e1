"""Free text from outside (forms, the API, files): what the database can store, and how long
each kind may be. PostgreSQL refuses a NUL character in text and psycopg cannot encode a lone
surrogate (JSON's "\\ud800" decodes to one); both used to end in a 500. Every edge asks
`text_problem` and names the field in its 400."""

from __future__ import annotations

from portal.errors import FieldError

#: Longest note on a figure, on the form, in a file or through the API.
NOTE_MAX_LENGTH = 2_000
#: Longest reviewer's comment when sending a return back.
COMMENT_MAX_LENGTH = 4_000
#: Longest measure, period or area as written in a row.
CELL_MAX_LENGTH = 200


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored (a NUL character, an unpaired surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character (\\0), which cannot be stored"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired surrogate (\\ud800 to \\udfff), which is not text"
    return None


def text_problem(label: str, text: str, max_length: int) -> str | None:
    """What is wrong with `text` as a `label` of at most `max_length` characters, or None."""
    reason = unstorable(text)
    if reason:
        return f"The {label} {reason}."
    if len(text) > max_length:
        return f"The {label} must be {max_length:,} characters or fewer; it has {len(text):,}."
    return None


def checked_text(field: str, text: str, max_length: int) -> str:
    """`text` if it can be stored and is short enough; FieldError (400) naming `field` if not."""
    problem = text_problem(field, text, max_length)
    if problem:
        raise FieldError(field, problem)
    return text
