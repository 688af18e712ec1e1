"""`load_demo [--history] [--force]`: the demo scorecard, organisations and accounts (password
$DEMO_PASSWORD), and with `--history` synthetic figures up to today."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.errors import DomainError
from scorecard.demo import demo_load
from scorecard.layout import LayoutError


class Command(BaseCommand):
    help = (
        "Load the demo: the May-2024 reference scorecard the repository carries, the demo "
        "organisations and accounts (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--history",
            action="store_true",
            help=(
                "Also add synthetic back series and recent periods built from the reference's "
                "latest values, so the demo looks alive at today's date (labelled as synthetic "
                "in the pages; the May-2024 edition is never changed)."
            ),
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (not for production)."
        )

    def handle(self, *args: Any, history: bool, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: demo accounts with a known password do not belong in production. "
                "Use --force if this really is a demonstration site."
            )
        try:
            summary = demo_load(os.environ.get("DEMO_PASSWORD", "scorecard-demo"), history=history)
        except (DomainError, LayoutError) as exc:
            raise CommandError(f"The demo could not be loaded: {exc}") from None
        self.stdout.write(
            f"Demo ready: {summary.measures} measures, {summary.organisations} organisations, "
            f"{summary.users} accounts. This run gave {summary.measures_assigned} measures to "
            f"their organisation, {summary.methods_set} their method and polarity and "
            f"{summary.schedules_set} a release schedule (none when they already had them)"
            + (
                f", {summary.synthetic_values} synthetic figures, {summary.targets} targets, "
                f"{summary.commentaries} commentaries."
                if history
                else "."
            )
        )
