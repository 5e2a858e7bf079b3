"""The supplies most programs hand out; administrators add their own in the admin."""

from django.db import migrations
from django.utils import timezone

DEFAULT_ITEM_KINDS = [
    ("Naloxone nasal spray 4 mg", True),
    ("Naloxone injectable", True),
    ("Fentanyl test strips", False),
    ("Xylazine test strips", False),
    ("Safer-use supplies", False),
    ("Wound-care supplies", False),
]


def add_item_kinds(apps, schema_editor):
    ItemKind = apps.get_model("harm_reduction", "ItemKind")
    HistoricalItemKind = apps.get_model("harm_reduction", "HistoricalItemKind")
    now = timezone.now()
    for name, is_naloxone in DEFAULT_ITEM_KINDS:
        item, created = ItemKind.objects.get_or_create(
            name=name, defaults={"is_naloxone": is_naloxone}
        )
        if created:
            HistoricalItemKind.objects.create(
                id=item.pk,
                name=name,
                is_naloxone=is_naloxone,
                is_active=True,
                history_date=now,
                history_type="+",
                history_change_reason="Default item kinds",
                history_actor="migration",
            )


class Migration(migrations.Migration):
    dependencies = [("harm_reduction", "0001_initial")]

    operations = [migrations.RunPython(add_item_kinds, migrations.RunPython.noop)]
