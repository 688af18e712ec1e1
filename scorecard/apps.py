from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save

#: Models whose rows the live scorecard shows beside its computed rows; saving or deleting one
#: changes the live version (scorecard.services.versioning). Commentary is not among them: the
#: scorecard shows only approved commentary, and approving one changes the version itself
#: (commentary.services), so a lead saving a draft leaves the cached scorecard alone.
SHOWN_MODELS = [
    "scorecard.PriorityArea",
    "scorecard.Commitment",
    "scorecard.Measure",
    "scorecard.Area",
    "scorecard.Target",
    "scorecard.Edition",
    "accounts.Organisation",
]


class ScorecardConfig(AppConfig):
    name = "scorecard"
    verbose_name = "Scorecard"

    def ready(self) -> None:
        from django.apps import apps

        from scorecard.services.versioning import changed_on_migrate, changed_on_save

        for label in SHOWN_MODELS:
            model = apps.get_model(label)
            post_save.connect(changed_on_save, sender=model, dispatch_uid=f"live-{label}-save")
            post_delete.connect(changed_on_save, sender=model, dispatch_uid=f"live-{label}-del")
        post_migrate.connect(changed_on_migrate, sender=self, dispatch_uid="live-migrate")
