"""Tenant isolation in Postgres itself: RLS with FORCE on every integrations table."""

from django.db import migrations

from tenants.rls import EnableTenantRLS


class Migration(migrations.Migration):
    dependencies = [("integrations", "0004_outbox_connections_deliveries")]

    operations = [
        EnableTenantRLS("OutboxEvent"),
        EnableTenantRLS("Connection"),
        EnableTenantRLS("Delivery"),
        EnableTenantRLS("DeliveryAttempt"),
    ]
