from django.db import migrations


class Migration(migrations.Migration):
    """Notification now lives in `notifications` (state only: the table and its rows stay)."""

    dependencies = [
        ("notifications", "0001_initial"),
        ("reporting", "0003_notification_digest"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Notification",
                ),
            ],
        ),
    ]
