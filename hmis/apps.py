from django.apps import AppConfig


class HmisConfig(AppConfig):
    name = "hmis"
    verbose_name = "HUD HMIS CSV"

    def ready(self):
        from . import checks  # noqa: F401  (registers the private directories check)
