from django.db import migrations

# The starting list (issue 15); administrators extend it in the admin.
TOPICS = ["Housing", "Health", "Income", "Benefits", "Employment", "Community", "Legal", "Other"]


def add_topics(apps, schema_editor):
    Topic = apps.get_model("casenotes", "Topic")
    for position, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"position": position * 10})


class Migration(migrations.Migration):
    dependencies = [("casenotes", "0001_initial")]

    operations = [migrations.RunPython(add_topics, migrations.RunPython.noop)]
