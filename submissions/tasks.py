"""Thin Celery tasks for returns. Safe to run twice or at once."""

from celery import shared_task

from submissions.services import upload_sweep


@shared_task
def sweep_staged_uploads() -> int:
    """Delete uploads left unconfirmed past STAGED_UPLOAD_HOURS (staging also sweeps them)."""
    return upload_sweep()
