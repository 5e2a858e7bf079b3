from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    """Program enrollment, households and the HUD data collected at entry, yearly and at exit."""

    name = "enrollments"
    verbose_name = "program enrollment (HUD)"

    def ready(self):
        from django.db.models.signals import post_migrate

        from clients.events import client_admitted, client_left_program, client_reassigned

        from . import services
        from .backfill import enrol_existing_clients

        client_admitted.connect(services.enrol_after_intake)
        client_left_program.connect(services.exit_with_client)
        client_reassigned.connect(services.members_follow_head)
        post_migrate.connect(enrol_existing_clients, dispatch_uid="enrollments.backfill")
