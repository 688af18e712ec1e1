"""The measure catalogue as a spreadsheet (django-import-export), so an admin can review and edit
every measure at once: rows are keyed on the measure's number, the commitment is named by its
text and the responsible organisation by its short name. Exported text is neutralised so the
spreadsheet never runs a cell as a formula; each measure an import adds or changes is written to
the audit trail."""

from typing import Any

from import_export import resources
from import_export.fields import Field
from import_export.widgets import ForeignKeyWidget

from accounts.models import Organisation
from audit.models import Action
from audit.services import audit_event, field_changes
from scorecard.figures import neutralise
from scorecard.models import CATALOGUE_FIELDS, Commitment, Measure
from scorecard.services.recomputing import scorecard_recompute


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

    def before_save_instance(self, instance: Measure, row: Any, **kwargs: Any) -> None:
        self._before = Measure.objects.filter(pk=instance.pk).first() if instance.pk else None

    def after_save_instance(self, instance: Measure, row: Any, **kwargs: Any) -> None:
        # In the import's transaction: a dry run (the preview) is rolled back with its events.
        changes = field_changes(getattr(self, "_before", None), instance, CATALOGUE_FIELDS)
        if changes:
            # Its row is judged by the method saved (a dry run is rolled back with it).
            scorecard_recompute([instance.pk])
            audit_event(
                by=kwargs.get("user"),
                action=Action.CHANGE if self._before else Action.ADD,
                target=instance,
                changes={**changes, "channel": "spreadsheet"},
            )

    def export_field(self, field: Field, instance: Any, **kwargs: Any) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))
