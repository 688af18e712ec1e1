"""The commentary form: text only, bounded; the service checks it again."""

from django import forms

from commentary.models import MAX_CHARS


class CommentaryForm(forms.Form):
    commentary = forms.CharField(
        label="Commentary",
        help_text=(
            "What the latest figure means for the board: why it moved, how it compares, what "
            f"lies behind it. Up to {MAX_CHARS:,} characters."
        ),
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter a commentary saying what the latest figure means",
            "max_length": f"The commentary must be {MAX_CHARS:,} characters or fewer",
        },
    )
    actions = forms.CharField(
        label="Actions being taken",
        help_text=f"What is being done, by whom and by when. Up to {MAX_CHARS:,} characters.",
        max_length=MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"The actions must be {MAX_CHARS:,} characters or fewer"},
    )
