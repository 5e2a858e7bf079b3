from django.db import migrations

GROUPS = ["Case managers", "Supervisors", "Auditors"]


def create_groups(apps, schema_editor):
    """The staff groups. Their model permissions are kept in step with
    housingfirst.roles.ROLE_PERMISSIONS after every migrate (see HousingfirstConfig.ready)."""
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
