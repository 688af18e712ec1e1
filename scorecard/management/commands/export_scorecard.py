"""`export_scorecard [--edition NAME | --live] [--format tsv|csv|xlsx|json] [--output FILE]`."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scorecard import selectors
from scorecard.layout import FORMATS, render
from scorecard.models import Edition


class Command(BaseCommand):
    help = "Write the live scorecard or a published edition in the scorecard layout."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--edition", help="Edition name, e.g. May-2024.")
        which.add_argument("--live", action="store_true", help="The live scorecard (default).")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["edition"]:
            edition = Edition.objects.filter(name=options["edition"]).first()
            if edition is None:
                known = ", ".join(selectors.editions().values_list("name", flat=True)) or "none"
                raise CommandError(f"No edition called {options['edition']} (editions: {known}).")
            document = selectors.edition_scorecard(edition)
        else:
            document = selectors.live_scorecard()
        content = render(document, options["format"])
        if options["output"]:
            options["output"].write_bytes(content)
        elif options["format"] == "xlsx":
            sys.stdout.buffer.write(content)
        else:
            self.stdout.write(content.decode("utf-8-sig"), ending="\n")
