from django.db import migrations, models


def drop_waiting_uploads(apps, schema_editor):
    """Uploads staged before this change kept the file's rows, not its validated values: they
    cannot be confirmed any more, so they go (their data leads upload the file again; an
    unconfirmed upload lasts a day at most anyway)."""
    apps.get_model("submissions", "StagedUpload").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0008_prepared_work_shared_with_commentary"),
    ]

    operations = [
        migrations.RunPython(drop_waiting_uploads, migrations.RunPython.noop),
        migrations.RemoveField(model_name="stagedupload", name="rows"),
        migrations.AddField(
            model_name="stagedupload",
            name="values",
            field=models.JSONField(
                default=list,
                help_text=(
                    "The file's values as validated (services.StoredValue), when no row has an "
                    "error; empty otherwise, as such a file cannot be confirmed."
                ),
            ),
        ),
        migrations.AddField(
            model_name="stagedupload",
            name="summary",
            field=models.JSONField(
                default=dict, help_text="What the audit trail records when the values are saved."
            ),
        ),
        migrations.AddField(
            model_name="stagedupload",
            name="version",
            field=models.CharField(
                blank=True,
                help_text="The live scorecard's version when the file was validated.",
                max_length=64,
            ),
        ),
    ]
