"""Thin Celery tasks: load by id, call the service. Safe to run twice or at once."""

from celery import shared_task

from scorecard.selectors import stale_measure_ids
from scorecard.services.recomputing import scorecard_recompute


@shared_task(acks_late=True)
def recompute_measures(measure_ids: list[int]) -> int:
    return scorecard_recompute(measure_ids)


@shared_task
def recompute_stale() -> int:
    """Heal rows whose data is newer than they are (a lost message, a dead worker)."""
    stale = stale_measure_ids()
    return scorecard_recompute(stale) if stale else 0
