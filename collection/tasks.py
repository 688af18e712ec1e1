"""Thin Celery tasks for the collection (scheduled in settings.CELERY_BEAT_SCHEDULE): each asks
a service to do the day's work. Safe to run twice or at once: what was sent is recorded first."""

from celery import shared_task
from django.utils import timezone

from collection.services import digests_send, reminders_send


@shared_task
def send_reminders() -> int:
    return reminders_send(today=timezone.localdate())


@shared_task
def send_weekly_digest() -> int:
    return digests_send(today=timezone.localdate())
