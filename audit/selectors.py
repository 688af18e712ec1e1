"""Reading the audit trail."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from audit.history import HistoryEntry, history
from audit.models import Event


def events_for(target: models.Model) -> QuerySet[Event]:
    """Everything recorded about `target`, oldest first, with who did it."""
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    ).select_related("actor")


def history_for(target: models.Model) -> list[HistoryEntry]:
    """Everything recorded about `target`, oldest first, each event in words."""
    return history(events_for(target))
