from django.apps import AppConfig


class HarmReductionConfig(AppConfig):
    name = "harm_reduction"
    verbose_name = "Harm reduction"
