from django.db import migrations

GROUPS = ["Case managers", "Supervisors", "Auditors"]


def clear_group_permissions(apps, schema_editor):
    """Roles are group memberships checked by the views; scope is object permissions. Model
    permissions on the groups decided nothing, so they are taken away (housingfirst/roles.py)."""
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_covers")]

    operations = [migrations.RunPython(clear_group_permissions, migrations.RunPython.noop)]
