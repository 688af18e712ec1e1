"""Collection panels on other apps' pages, so their views need not know about the collection:
`{% lead_tracker organisation %}` (a data lead's home) and `{% freshness_panel %}` (the
scorecard). Each reads through collection.selectors and renders an include of its own."""

from fractions import Fraction
from typing import Any

from django import template
from django.utils import timezone

from collection import selectors
from collection.completeness import days_text, percent
from portal.permissions import can

register = template.Library()


@register.inclusion_tag("collection/includes/lead_tracker.html")
def lead_tracker(organisation: Any) -> dict[str, Any]:
    """The organisation's returns, grouped by what needs doing next."""
    today = timezone.localdate()
    rows = selectors.returns(today=today, organisation_id=organisation.pk)
    return {"groups": selectors.lead_groups(rows, today), "today": today}


@register.inclusion_tag("collection/includes/freshness.html", takes_context=True)
def freshness_panel(context: template.Context) -> dict[str, Any]:
    """How up to date the partners' figures are (counts only: never a figure not approved)."""
    total, partners = selectors.freshness(selectors.returns(today=timezone.localdate()))
    return {
        "total": total,
        "partners": partners,
        "may_oversee": can(context.get("user"), "oversee_collection"),
    }


@register.filter
def as_percent(share: Fraction | None) -> str:
    """A share as "67%" (collection.completeness.percent), or a dash when there is none."""
    value = percent(share)
    return "–" if value is None else f"{value}%"


@register.filter
def as_days(days: Fraction | None) -> str:
    """A median number of days: whole, or with a half ("2.5")."""
    return "–" if days is None else days_text(days)
