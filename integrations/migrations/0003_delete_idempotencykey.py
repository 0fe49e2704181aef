from django.db import migrations


class Migration(migrations.Migration):
    """IdempotencyKey now lives in the API kernel's `idempotency` app (state only)."""

    dependencies = [
        ("idempotency", "0001_initial"),
        ("integrations", "0002_row_level_security"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="IdempotencyKey",
                ),
            ],
        ),
    ]
