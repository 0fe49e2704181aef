from django.db import migrations


class Migration(migrations.Migration):
    """AuditEvent now lives in `audit` (state only: the table and its rows stay)."""

    dependencies = [
        ("audit", "0001_initial"),
        ("compliance", "0004_actor_indexes_only_where_an_actor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="AuditEvent",
                ),
            ],
        ),
    ]
