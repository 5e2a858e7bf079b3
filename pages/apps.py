from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The pages that compose several apps: each role's home and the client page."""

    name = "pages"
