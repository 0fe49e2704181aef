import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit trail moved here from `compliance`: the table, its rows, triggers and policy stay
    as they are (state only)."""

    initial = True

    dependencies = [
        ("compliance", "0004_actor_indexes_only_where_an_actor"),
        ("tenants", "0002_row_level_security"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEvent",
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
                        ("at", models.DateTimeField(auto_now_add=True)),
                        ("action", models.CharField(max_length=60)),
                        ("object_type", models.CharField(blank=True, max_length=60)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("data", models.JSONField(blank=True, default=dict)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        (
                            "actor_api_client",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="tenants.apiclient",
                            ),
                        ),
                        (
                            "actor_user",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
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
                        "db_table": "compliance_auditevent",
                        "ordering": ["-at"],
                        "indexes": [
                            models.Index(fields=["tenant", "-at"], name="audit_event_at_idx"),
                            models.Index(
                                fields=["tenant", "object_type", "object_id"],
                                name="audit_event_obj_idx",
                            ),
                            models.Index(
                                condition=models.Q(("actor_user__isnull", False)),
                                fields=["actor_user"],
                                name="audit_event_user_idx",
                            ),
                            models.Index(
                                condition=models.Q(("actor_api_client__isnull", False)),
                                fields=["actor_api_client"],
                                name="audit_event_client_idx",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
