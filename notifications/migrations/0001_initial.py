import uuid

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Notifications moved here from `reporting`: the table and its rows stay (state only)."""

    initial = True

    dependencies = [
        ("reporting", "0003_notification_digest"),
        ("recruiting", "0004_tenant_index_covered_by_composites"),
        ("tenants", "0002_row_level_security"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
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
                        ("kind", models.CharField(max_length=64)),
                        ("title", models.CharField(max_length=300)),
                        ("body", models.TextField(blank=True)),
                        (
                            "application_ids",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.UUIDField(), blank=True, default=list, size=None
                            ),
                        ),
                        ("link", models.CharField(blank=True, max_length=500)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="recruiting.application",
                            ),
                        ),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "tenant",
                            models.ForeignKey(
                                db_index=False,
                                editable=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tenants.tenant",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reporting_notification",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["tenant", "recipient", "read_at", "-created_at"],
                                name="notification_inbox_idx",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
