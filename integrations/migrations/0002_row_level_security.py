"""Tenant isolation in Postgres itself: RLS with FORCE on every tenant table."""

from django.db import migrations

from tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial")]

    operations = [EnableTenantRLS("IdempotencyKey")]
