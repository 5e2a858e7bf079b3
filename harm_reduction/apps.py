from django.apps import AppConfig


class HarmReductionConfig(AppConfig):
    name = "harm_reduction"
    verbose_name = "Harm reduction"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .defaults import ensure_default_item_kinds

        post_migrate.connect(
            ensure_default_item_kinds, dispatch_uid="harm_reduction.default_item_kinds"
        )
