from django.apps import AppConfig


class HousingfirstConfig(AppConfig):
    name = "housingfirst"
    verbose_name = "Housing First"

    def ready(self):
        from . import audit

        audit.connect_signals()
