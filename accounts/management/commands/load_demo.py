"""`load_demo [--force]`: the demo organisations and accounts (password $DEMO_PASSWORD)."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.services import demo_load


class Command(BaseCommand):
    help = "Create the demo organisations and accounts (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (not for production)."
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: demo accounts with a known password do not belong in production. "
                "Use --force if this really is a demonstration site."
            )
        summary = demo_load(os.environ.get("DEMO_PASSWORD", "scorecard-demo"))
        self.stdout.write(
            f"Demo ready: {summary.organisations} organisations, {summary.users} accounts, "
            f"{summary.measures_assigned} measures assigned to their organisation, "
            f"{summary.polarities_set} measures given a polarity."
        )
