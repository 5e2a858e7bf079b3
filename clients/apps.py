from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"

    def ready(self):
        from . import change_log  # noqa: F401  (the change log's words for our actions)
