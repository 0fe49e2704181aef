"""Milestone rows name their application's requisition, so the timer sweep claims rows
without joining the applications. Added nullable, filled from the applications, then
required. Row-level security is forced on both tables, so the fill lifts it for its own
transaction."""

import django.db.models.deletion
from django.db import migrations, models

# Checked as it goes: deferred foreign-key checks left pending would refuse the ALTER.
FILL = """
SET CONSTRAINTS ALL IMMEDIATE;
SELECT set_config('app.all_tenants', 'on', true);
UPDATE milestones_applicationmilestone AS row
SET requisition_id = application.requisition_id
FROM recruiting_application AS application
WHERE application.id = row.application_id AND row.requisition_id IS NULL;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("milestones", "0007_actor_indexes_only_where_an_actor"),
        ("recruiting", "0004_tenant_index_covered_by_composites"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationmilestone",
            name="requisition",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="recruiting.requisition",
            ),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="applicationmilestone",
            name="requisition",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="recruiting.requisition",
            ),
        ),
    ]
