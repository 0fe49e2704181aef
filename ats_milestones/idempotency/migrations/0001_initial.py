import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The idempotency store moved here from `integrations`: the table and its rows stay (state
    only)."""

    initial = True

    dependencies = [
        ("integrations", "0002_row_level_security"),
        ("tenants", "0002_row_level_security"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyKey",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("principal", models.CharField(max_length=80)),
                        ("key", models.CharField(max_length=255)),
                        ("method", models.CharField(max_length=10)),
                        ("path", models.CharField(max_length=500)),
                        ("request_hash", models.CharField(max_length=64)),
                        ("response_status", models.PositiveSmallIntegerField(null=True)),
                        ("response_body", models.JSONField(null=True)),
                        (
                            "tenant",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "integrations_idempotencykey",
                        "indexes": [
                            models.Index(fields=["created_at"], name="idempotency_key_created_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("tenant", "principal", "key"),
                                name="idempotency_key_per_principal",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
