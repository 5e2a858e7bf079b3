"""The subsidy types most Housing First programs use; programs add their own in the admin."""

from django.db import migrations
from django.utils import timezone

DEFAULT_SUBSIDY_TYPES = [
    ("No subsidy", "The client pays the whole rent."),
    ("Housing Choice Voucher (Section 8)", "Tenant-based or project-based voucher."),
    ("Continuum of Care rental assistance", "CoC-funded permanent supportive housing."),
    ("HUD-VASH", "Veterans Affairs Supportive Housing voucher."),
    ("Emergency Housing Voucher", ""),
    ("State or local rental subsidy", ""),
    ("Program rental assistance", "Paid from the program's own funds."),
]


def add_subsidy_types(apps, schema_editor):
    SubsidyType = apps.get_model("placements", "SubsidyType")
    HistoricalSubsidyType = apps.get_model("placements", "HistoricalSubsidyType")
    now = timezone.now()
    for name, description in DEFAULT_SUBSIDY_TYPES:
        subsidy_type, created = SubsidyType.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        if created:
            HistoricalSubsidyType.objects.create(
                id=subsidy_type.pk,
                name=name,
                description=description,
                is_active=True,
                history_date=now,
                history_type="+",
                history_change_reason="Default subsidy types",
                history_actor="migration",
            )


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = [migrations.RunPython(add_subsidy_types, migrations.RunPython.noop)]
