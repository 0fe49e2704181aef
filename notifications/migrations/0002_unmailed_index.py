"""The mail catch-up's walk: recent notifications not yet emailed (a partial index)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("emailed_at__isnull", True)),
                fields=["created_at"],
                name="notification_unmailed_idx",
            ),
        ),
    ]
