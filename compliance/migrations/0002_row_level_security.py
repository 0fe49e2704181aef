"""Tenant isolation in Postgres itself: RLS with FORCE on every tenant table."""

from django.db import migrations

from audit.append_only import MakeAppendOnly
from tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [
        EnableTenantRLS("AuditEvent"),
        MakeAppendOnly("AuditEvent"),
    ]
