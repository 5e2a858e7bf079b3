"""Team membership one row per member, each with its own history (issue 19).

The former automatic many-to-many tables become the explicit ``TeamSupervisor`` and
``TeamCaseManager`` models without moving any data (state only), then gain ``joined_at``
(empty for the members already there: the team's older history rows say when they joined).
The old m2m snapshot tables of the team's history are left as they are: the audit chain sealed
them, and ``verify_audit_trail`` still reads them.
"""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def _membership(name, table, verbose_name):
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigAutoField(
                    auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                ),
            ),
            (
                "team",
                models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="clients.team"),
            ),
            (
                "user",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                ),
            ),
        ],
        options={
            "verbose_name": verbose_name,
            "db_table": table,
            "unique_together": {("team", "user")},
        },
    )


def _membership_history(name, verbose_name):
    return migrations.CreateModel(
        name=name,
        fields=[
            (
                "id",
                models.BigIntegerField(
                    auto_created=True, blank=True, db_index=True, verbose_name="ID"
                ),
            ),
            (
                "history_actor",
                models.CharField(
                    blank=True, default="", max_length=100, verbose_name="acting job or command"
                ),
            ),
            (
                "joined_at",
                models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
            ),
            ("history_change_reason", models.TextField(null=True)),
            ("history_id", models.AutoField(primary_key=True, serialize=False)),
            ("history_date", models.DateTimeField(db_index=True)),
            (
                "history_type",
                models.CharField(
                    choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                ),
            ),
            (
                "history_user",
                models.ForeignKey(
                    null=True,
                    on_delete=django.db.models.deletion.SET_NULL,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
            (
                "team",
                models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to="clients.team",
                ),
            ),
            (
                "user",
                models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=settings.AUTH_USER_MODEL,
                ),
            ),
        ],
        options={
            "verbose_name": f"historical {verbose_name}",
            "verbose_name_plural": f"historical {verbose_name}s",
            "ordering": ("-history_date", "-history_id"),
            "get_latest_by": ("history_date", "history_id"),
        },
        bases=(simple_history.models.HistoricalChanges, models.Model),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_client_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _membership("TeamSupervisor", "clients_team_supervisors", "team supervisor"),
                _membership("TeamCaseManager", "clients_team_case_managers", "team case manager"),
                migrations.AlterField(
                    model_name="team",
                    name="supervisors",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="supervised_teams",
                        through="clients.TeamSupervisor",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="team",
                    name="case_managers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="teams",
                        through="clients.TeamCaseManager",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        # Existing members keep an empty joined_at (added without a default), new ones get now.
        migrations.AddField(
            model_name="teamsupervisor",
            name="joined_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="teamsupervisor",
            name="joined_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        migrations.AddField(
            model_name="teamcasemanager",
            name="joined_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="teamcasemanager",
            name="joined_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True),
        ),
        _membership_history("HistoricalTeamSupervisor", "team supervisor"),
        _membership_history("HistoricalTeamCaseManager", "team case manager"),
    ]
