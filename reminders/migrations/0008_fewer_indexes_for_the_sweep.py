"""Fewer indexes for the reminder sweep to write (issue 19): the reminder's own indexes on client
and person, which reminder_client_state and reminder_for_person start with, and its history's
indexes on columns nobody looks history up by."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appointments', '0001_initial'),
        ('clients', '0010_name_search_trigram_indexes'),
        ('enrollments', '0001_initial'),
        ('harm_reduction', '0001_initial'),
        ('placements', '0003_housing_state'),
        ('plans', '0001_initial'),
        ('referrals', '0004_referral_appointment'),
        ('reminders', '0007_acts_on_stored'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalreminder',
            name='appointment',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='appointments.appointment'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='assigned_to',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='for'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='closed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='consent',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='referrals.consent'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='duplicate_pair',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='clients.duplicatepair'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='enrollment',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enrollments.enrollment'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='placement',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='placements.placement'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='plan',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='plans.plan'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='referral',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='referrals.referral'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='stock_lot',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='harm_reduction.stocklot'),
        ),
        migrations.AlterField(
            model_name='historicalreminder',
            name='stock_minimum',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='harm_reduction.stockminimum'),
        ),
        # The reminder's own two indexes are dropped by name: altering the fields would also
        # drop and re-add their foreign keys, checking every reminder while clients and users
        # stay locked.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="reminder",
                    name="assigned_to",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="reminders",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="for",
                    ),
                ),
                migrations.AlterField(
                    model_name="reminder",
                    name="client",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="clients.client",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "reminders_reminder" ("{column}")',
                )
                for name, column in (
                    ("reminders_reminder_assigned_to_id_95db6171", "assigned_to_id"),
                    ("reminders_reminder_client_id_6613cd5d", "client_id"),
                )
            ],
        ),
    ]
