"""Clients who were in the program before enrollments existed get one (run after ``migrate``).

This is the data migration of the enrollment change, run from ``post_migrate`` rather than as
a ``RunPython`` step: it writes through the real services, so every enrollment has its history
row, made by ``command:migrate`` with a reason, sealed into the audit chain as it is written
(a migration's historical models would leave rows that only an administrator may seal; see
``housingfirst.defaults``). It acts only on clients with no enrollment, so it runs once in
effect and does nothing on a fresh or already enrolled database.

With no project set up yet, it makes the one a Housing First program has: a Permanent
Supportive Housing project (CoC code from ``HMIS_COC_CODE``, organization name from
``HMIS_ORGANIZATION_NAME``), which an administrator then completes in the admin.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from housingfirst.audit import acting_as, change_reason

REASON = "Enrolled from the program start date (client from before enrollments)"


def enrol_existing_clients(sender=None, using=None, **kwargs):
    from django.apps import apps

    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not None and sender is not last_app:
        return
    Client = apps.get_model("clients.Client")
    Enrollment = apps.get_model("enrollments.Enrollment")
    using = using or DEFAULT_DB_ALIAS
    tables = set(connections[using].introspection.table_names())
    if Enrollment._meta.db_table not in tables or Client._meta.db_table not in tables:
        return
    waiting = list(
        Client.objects.using(using).filter(enrollments__isnull=True).order_by("program_start_date")
    )
    if not waiting:
        return
    from . import services
    from .models import Organization, Project

    with transaction.atomic(using=using), acting_as("command:migrate"), change_reason(REASON):
        project = services.project_for_intake() or Project.objects.first()
        if project is None:
            organization = Organization.objects.first() or Organization.objects.create(
                name=settings.HMIS_ORGANIZATION_NAME
            )
            project = Project.objects.create(
                organization=organization,
                name="Permanent Supportive Housing",
                coc_code=settings.HMIS_COC_CODE,
                operating_start_date=waiting[0].program_start_date,
                is_default=True,
            )
        for client in waiting:
            enrollment = services.enrollment_start(
                client=client,
                by=None,
                project=project,
                entry_date=max(client.program_start_date, project.operating_start_date),
                reason=REASON,
            )
            if client.status == Client.Status.EXITED:
                # When they left is not known more precisely than their record's last change;
                # the destination is asked for (data quality, reminders).
                left = timezone.localdate(client.updated_at)
                enrollment.exit_date = max(left, enrollment.entry_date)
                enrollment.save()
