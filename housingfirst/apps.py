from django.apps import AppConfig


class HousingfirstConfig(AppConfig):
    name = "housingfirst"
    verbose_name = "Housing First"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit, roles

        audit.connect_signals()
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="housingfirst.sync_roles")
