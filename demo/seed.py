"""The demo seed: idempotent, for local development only (every login shares one password)."""

from __future__ import annotations

from django.db import transaction

from demo.data import TENANTS
from demo.integrations import seed_dev_sink
from demo.result import SeedResult
from demo.tenants import seed_tenant
from reporting.stays import stays_rebuild
from tenants.context import tenant_context
from tenants.models import (
    Tenant,
)


@transaction.atomic
def demo_seed() -> SeedResult:
    """Create the demo tenants and their data; rows that exist already are left alone."""
    result = SeedResult()
    for slug, name in TENANTS:
        tenant, created = Tenant.objects.get_or_create(slug=slug, defaults={"name": name})
        result.count("tenants", int(created))
        with tenant_context(tenant):
            seed_tenant(tenant, result)
            if slug == TENANTS[0][0]:
                seed_dev_sink(tenant, result)
        if created:
            # The seeded history is written as rows, not moves: the reports' read model
            # replays it once, so a new demo's dashboards show that history.
            result.count("stays", stays_rebuild(tenant_id=tenant.pk))
    return result
