from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    """Dated meetings of a client: booked by a case manager, or made by a referral's
    "appointment scheduled" step (this app listens to referrals' events)."""

    name = "appointments"

    def ready(self):
        from . import reactions

        reactions.connect()
