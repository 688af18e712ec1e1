"""Submissions' own audit events move into the one audit trail (audit.Event), then their table
goes. Each event keeps its actor, action, time and changes, and points at its submission."""

from django.db import migrations


def copy_events(apps, schema_editor):
    AuditEvent = apps.get_model("submissions", "AuditEvent")
    Event = apps.get_model("audit", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    submission_type, _ = ContentType.objects.get_or_create(
        app_label="submissions", model="submission"
    )
    batch = []
    for old in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        batch.append(
            Event(
                actor_id=old.actor_id,
                action=old.action,
                target_type=submission_type,
                target_id=old.submission_id,
                target_label=f"Submission {old.submission_id}",
                changes=old.changes,
                at=old.at,
            )
        )
        if len(batch) >= 2000:
            _insert(Event, batch)
            batch = []
    _insert(Event, batch)


def _insert(Event, batch):
    # auto_now_add would stamp the copy with today's date: keep each event's own time.
    Event._meta.get_field("at").auto_now_add = False
    Event.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("submissions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_events, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEvent"),
    ]
