"""The portal project: settings, URLs, the Celery app and the one permission rule set."""

from .celery import app as celery_app

__all__ = ["celery_app"]
