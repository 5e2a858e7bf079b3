"""Consents carry their own protection (42 CFR Part 2) instead of reading it from the
provider's current services. Existing consents are protected when they cover substance use, or
when their provider offers substance-use services now or did at any time in its history (the
state when each consent was recorded is not known more precisely; erring towards protection).

The backfill writes no history row: ``is_protected`` is derived and not part of history (see
``Consent.is_protected``), and a history row written here would be outside the audit chain.
"""

from django.db import migrations, models


def protect_existing_consents(apps, schema_editor):
    Consent = apps.get_model("referrals", "Consent")
    Provider = apps.get_model("referrals", "Provider")
    HistoricalProvider = apps.get_model("referrals", "HistoricalProvider")
    substance_use_providers = set(
        Provider.objects.filter(offers_substance_use=True).values_list("pk", flat=True)
    ) | set(
        HistoricalProvider.objects.filter(offers_substance_use=True).values_list("id", flat=True)
    )
    consents = Consent.objects.filter(
        models.Q(covers_substance_use=True) | models.Q(provider_id__in=substance_use_providers)
    )
    # A derived column, not in history: a plain update is the honest write here.
    consents.update(is_protected=True)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_drop_status_changed_at")]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="is_protected",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="protected (substance use)"
            ),
        ),
        migrations.RunPython(protect_existing_consents, migrations.RunPython.noop),
    ]
