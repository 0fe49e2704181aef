"""The rows a legacy import has written, by their natural key (source system, application,
legacy stage, entered_at), so that importing a file again writes nothing twice.

Imports made before this migration left only their transitions (cause `import`, reason
`imported from <source system>`); the backfill recovers their rows from those and the
stage mappings: every stage of that source system mapped to the transition's milestone.
Row-level security is forced on these tables, so the backfill lifts it for its own
transaction."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

from tenants.rls import EnableTenantRLS

BACKFILL = """
SELECT set_config('app.all_tenants', 'on', true);
INSERT INTO milestones_legacyimportedrow
    (id, tenant_id, created_at, updated_at, source_system, application_id, legacy_stage,
     entered_at)
SELECT DISTINCT ON (t.tenant_id, m.source_system, t.application_id, m.legacy_stage, t.at)
       gen_random_uuid(), t.tenant_id, now(), now(), m.source_system, t.application_id,
       m.legacy_stage, t.at
FROM milestones_milestonetransition AS t
JOIN milestones_milestonedefinition AS d ON d.id = t.to_milestone_id
JOIN milestones_legacystagemapping AS m
  ON m.tenant_id = t.tenant_id
 AND m.milestone_code = d.code
 AND t.reason = 'imported from ' || m.source_system
WHERE t.cause = 'import'
ON CONFLICT DO NOTHING;
"""


def backfill_imported_rows(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("milestones", "0008_milestone_rows_name_their_requisition"),
        ("recruiting", "0004_tenant_index_covered_by_composites"),
        ("tenants", "0002_row_level_security"),
    ]

    operations = [
        migrations.CreateModel(
            name="LegacyImportedRow",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("source_system", models.CharField(max_length=100)),
                ("legacy_stage", models.CharField(max_length=200)),
                ("entered_at", models.DateTimeField()),
                (
                    "application",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recruiting.application",
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
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "tenant",
                            "source_system",
                            "application",
                            "legacy_stage",
                            "entered_at",
                        ),
                        name="legacy_row_imported_once",
                    )
                ],
            },
        ),
        EnableTenantRLS("LegacyImportedRow"),
        migrations.RunPython(backfill_imported_rows, migrations.RunPython.noop),
    ]
