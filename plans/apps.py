from django.apps import AppConfig


class PlansConfig(AppConfig):
    """The client's own housing-stability plan. Never read by housing code."""

    name = "plans"
    verbose_name = "housing-stability plans"
