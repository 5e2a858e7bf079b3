from django.apps import AppConfig


class HousingfirstConfig(AppConfig):
    name = "housingfirst"
    verbose_name = "Housing First"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import audit, checks, middleware, roles, two_factor  # noqa: F401 (checks registers itself)

        audit.connect_signals()
        post_migrate.connect(roles.ensure_staff_groups, dispatch_uid="housingfirst.staff_groups")
        user_logged_in.connect(
            two_factor.note_pending_at_sign_in, dispatch_uid="housingfirst.two_factor_pending"
        )
        # Signing in is activity: the idle timeout counts from it (the session is saved then).
        user_logged_in.connect(
            middleware.refresh_idle_session_at_sign_in, dispatch_uid="housingfirst.idle_refresh"
        )
