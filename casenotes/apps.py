from django.apps import AppConfig


class CasenotesConfig(AppConfig):
    """Case notes: what happened, in a case manager's words, corrected by addenda."""

    name = "casenotes"
    verbose_name = "case notes"
