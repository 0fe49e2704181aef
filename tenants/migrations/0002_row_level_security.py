"""Tenant isolation in Postgres itself: RLS with FORCE on every tenant table."""

from django.db import migrations

from tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("tenants", "0001_initial")]

    operations = [
        EnableTenantRLS("HistoricalDepartment"),
        EnableTenantRLS("Department"),
        EnableTenantRLS("Membership"),
        EnableTenantRLS("MembershipDepartment"),
        EnableTenantRLS("HistoricalJobFamily"),
        EnableTenantRLS("JobFamily"),
        EnableTenantRLS("HistoricalLocation"),
        EnableTenantRLS("Location"),
        EnableTenantRLS("HistoricalRequisitionType"),
        EnableTenantRLS("RequisitionType"),
        EnableTenantRLS("ApiClient"),
    ]
