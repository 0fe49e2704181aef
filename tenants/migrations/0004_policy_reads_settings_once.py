"""Every tenant table's policy reads the session's settings once per statement.

Tables that exist now are altered here; tables made by later migrations get the same
predicate from `tenants.rls.enable_sql`. Rows and what each role sees are unchanged.
"""

from django.db import migrations

from tenants.rls import PER_ROW_PREDICATE, POLICY_PREDICATE, alter_all_sql


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_department_head")]

    operations = [
        migrations.RunSQL(
            alter_all_sql(POLICY_PREDICATE), reverse_sql=alter_all_sql(PER_ROW_PREDICATE)
        )
    ]
