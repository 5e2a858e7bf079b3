from django.apps import AppConfig


class CaseloadsConfig(AppConfig):
    """The supervisor's caseload review: reads across the domain apps, writes through
    ``clients.services`` (reassignment, cover)."""

    name = "caseloads"
