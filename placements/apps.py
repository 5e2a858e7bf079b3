from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import state
        from .defaults import ensure_default_subsidy_types

        state.connect()

        post_migrate.connect(
            ensure_default_subsidy_types, dispatch_uid="placements.default_subsidy_types"
        )
