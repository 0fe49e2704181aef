"""Tenant isolation in Postgres itself, and an append-only transition log."""

from django.db import migrations

from audit.append_only import MakeAppendOnly
from tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("milestones", "0001_initial")]

    operations = [
        EnableTenantRLS("MilestoneSettings"),
        EnableTenantRLS("HistoricalMilestoneSettings"),
        EnableTenantRLS("Framework"),
        EnableTenantRLS("HistoricalFramework"),
        EnableTenantRLS("FrameworkRequisitionType"),
        EnableTenantRLS("FrameworkVersion"),
        EnableTenantRLS("HistoricalFrameworkVersion"),
        EnableTenantRLS("FrameworkVersionPilotDepartment"),
        EnableTenantRLS("MilestoneDefinition"),
        EnableTenantRLS("HistoricalMilestoneDefinition"),
        EnableTenantRLS("ApplicationMilestone"),
        EnableTenantRLS("MilestoneTransition"),
        MakeAppendOnly("MilestoneTransition"),
    ]
