"""Formerly made the default subsidy types, writing their history around the app.

They are now made after migrate through the models (placements.defaults), so their history is
sealed into the audit chain as it is written; this migration stays, doing nothing, for the
databases that applied it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("placements", "0001_initial")]

    operations = []
