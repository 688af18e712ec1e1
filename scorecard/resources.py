"""The measure catalogue as a spreadsheet (django-import-export), so an admin can review and edit
every measure at once: rows are keyed on the measure's number, the commitment is named by its
text and the responsible organisation by its short name. Exported text is neutralised so the
spreadsheet never runs a cell as a formula."""

from typing import Any

from import_export import resources
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget

from accounts.models import Organisation
from scorecard.figures import neutralise
from scorecard.models import CATALOGUE_FIELDS, Commitment, Measure


class MeasureResource(resources.ModelResource):
    commitment = Field(
        attribute="commitment",
        column_name="commitment",
        widget=ForeignKeyWidget(Commitment, field="name"),
    )
    organisation = Field(
        attribute="organisation",
        column_name="organisation",
        widget=ForeignKeyWidget(Organisation, field="short_name"),
    )

    class Meta:
        model = Measure
        import_id_fields = ["number"]
        fields = CATALOGUE_FIELDS
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True

    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))
