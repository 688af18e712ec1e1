"""Existing measures get the method that was guessed from their unit when a figure was read
(percentages per 100, rates per the unit's 'per N'), so nothing changes until an admin states a
better one; editions freeze the verdicts they were shown with; live rows are marked stale so the
beat task (or `recompute_scorecard`) recomputes them with their verdicts."""

from django.db import migrations

from scorecard.compute import Comparison, Trend, as_published, judgement
from scorecard.methods import Polarity, ValueKind, rate_multiplier

#: The method of rows of editions published before methods were recorded.
NOT_RECORDED = "not recorded"


def forwards(apps, schema_editor):
    Measure = apps.get_model("scorecard", "Measure")
    EditionRow = apps.get_model("scorecard", "EditionRow")
    ScorecardRow = apps.get_model("scorecard", "ScorecardRow")
    measures = list(Measure.objects.all())
    for measure in measures:
        if measure.value_kind == ValueKind.PERCENTAGE:
            measure.multiplier = 100
        elif measure.value_kind == ValueKind.RATE:
            measure.multiplier = rate_multiplier(measure.unit)
    Measure.objects.bulk_update(measures, ["multiplier"])

    rows = list(EditionRow.objects.select_related("edition", "measure"))
    for row in rows:
        polarity = row.measure.polarity if row.measure else Polarity.NO_JUDGEMENT.value
        row.polarity = polarity
        if row.edition.published_by_id is None:
            # Imported from a published document, which judged its rows itself.
            for name, value in as_published(row.edition.name, row.compared).items():
                setattr(row, name, value)
            continue
        # Published from the live scorecard before methods were recorded: freeze the judgement
        # the board was shown then (the catalogue's polarity at this moment).
        shown = judgement(Comparison(row.compared), Polarity(polarity), tested=True)
        row.method = NOT_RECORDED
        row.judgement = shown.value
        row.trend = Trend.CANNOT.value
        row.comparison_reason = (
            "published before the portal recorded how rows were compared"
            if row.compared != Comparison.NOT_COMPARABLE
            else "not compared when published"
        )
        row.trend_note = "published before recent trends were calculated"
    EditionRow.objects.bulk_update(
        rows,
        [
            "polarity",
            "method",
            "tested",
            "judgement",
            "trend",
            "comparison_reason",
            "direction_reason",
            "trend_note",
        ],
    )
    ScorecardRow.objects.update(data_version=0)


class Migration(migrations.Migration):
    dependencies = [("scorecard", "0004_measure_methods_and_row_verdicts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
