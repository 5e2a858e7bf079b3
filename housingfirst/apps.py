from django.apps import AppConfig


class HousingfirstConfig(AppConfig):
    name = "housingfirst"
    verbose_name = "Housing First"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit, checks, roles  # noqa: F401 (checks registers itself)

        audit.connect_signals()
        post_migrate.connect(roles.ensure_staff_groups, dispatch_uid="housingfirst.staff_groups")
