"""The completeness chart: each partner's share of expected periods approved and share received
by the due date, drawn by scorecard.charts.share_chart, with a sentence as its text alternative
(the table beside it holds every figure)."""

from collections.abc import Sequence

from django.utils.safestring import SafeString

from collection.completeness import percent
from collection.selectors import CompletenessRow
from scorecard.charts import ShareBar, share_chart

APPROVED_COLOUR, ON_TIME_COLOUR = "#1d70b8", "#0b0c0c"


def completeness_chart(partners: Sequence[CompletenessRow]) -> SafeString:
    groups = []
    sentences = []
    for row in partners:
        approved = percent(row.figures.approved_share)
        on_time = percent(row.figures.on_time_share)
        groups.append(
            (
                row.organisation.short_name,
                [
                    ShareBar("approved", approved, APPROVED_COLOUR),
                    ShareBar("on time", on_time, ON_TIME_COLOUR, outline=True),
                ],
            )
        )
        if row.figures.expected:
            sentences.append(
                f"{row.organisation.short_name}: {approved}% approved, {on_time}% on time"
            )
        else:
            sentences.append(f"{row.organisation.short_name}: nothing due yet")
    return share_chart(
        groups,
        title="Share of expected periods approved and received on time, by partner",
        description="; ".join(sentences) + ".",
        chart_id="completeness-chart",
    )
