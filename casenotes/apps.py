from django.apps import AppConfig


class CasenotesConfig(AppConfig):
    """Case notes: what happened, in a case manager's words, corrected by addenda."""

    name = "casenotes"
    verbose_name = "case notes"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .defaults import ensure_default_topics

        post_migrate.connect(ensure_default_topics, dispatch_uid="casenotes.default_topics")
