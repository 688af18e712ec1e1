"""`import_scorecard PATH`: load a published scorecard (TSV, CSV or XLSX) into the portal."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard.layout import LayoutError, read_document
from scorecard.services import ScorecardError
from scorecard.services.importing import scorecard_import


class Command(BaseCommand):
    help = "Import a scorecard document: catalogue, latest figures and its published edition."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            result = scorecard_import(read_document(path))
        except (LayoutError, ScorecardError) as exc:
            raise CommandError(str(exc)) from None
        if result.changed:
            self.stdout.write(
                f"Imported edition {result.edition.name}: {result.created_measures} measures "
                f"created, {result.updated_measures} updated, {result.new_data_points} new values."
            )
        else:
            self.stdout.write(
                f"Edition {result.edition.name} is already imported: nothing changed."
            )
