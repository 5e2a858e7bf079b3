from django.apps import AppConfig


class HmisConfig(AppConfig):
    """HUD's HMIS CSV format (FY2026): the export, its validator, the import."""

    name = "hmis"
    verbose_name = "HMIS CSV"
