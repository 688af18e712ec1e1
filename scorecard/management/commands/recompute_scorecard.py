"""`recompute_scorecard`: recompute every live scorecard row now, in this process."""

from typing import Any

from django.core.management.base import BaseCommand

from scorecard.services.recomputing import scorecard_recompute


class Command(BaseCommand):
    help = "Recompute the live scorecard synchronously."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = scorecard_recompute()
        self.stdout.write(f"Recomputed the live scorecard: {changed} rows changed.")
