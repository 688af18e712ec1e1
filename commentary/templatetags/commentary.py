"""Commentary panels on other apps' pages, so their views need not know about commentary:
`{% commentary_queue %}` (the approvers' queue) and `{% lead_commentary organisation %}` (a data
lead's home). Each reads through commentary.selectors and renders an include of its own."""

from typing import Any

from django import template

from commentary import selectors

register = template.Library()


@register.inclusion_tag("commentary/includes/queue.html", takes_context=True)
def commentary_queue(context: template.Context) -> dict[str, Any]:
    """Commentary waiting for a decision, oldest first, marking what this reviewer wrote."""
    user_id = getattr(context.get("user"), "pk", None)
    return {
        "items": [
            (c, user_id in {c.created_by_id, *(editor.pk for editor in c.editors.all())})
            for c in selectors.awaiting_approval()
        ]
    }


@register.inclusion_tag("commentary/includes/lead.html")
def lead_commentary(organisation: Any) -> dict[str, Any]:
    """The organisation's measures with their commentary for the board."""
    return {"rows": selectors.organisation_commentary(organisation.pk)}
