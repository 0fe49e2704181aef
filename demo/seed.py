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

TRANSITIONS = "milestone transitions"  # the SeedResult label of seeded history


@transaction.atomic
def demo_seed() -> SeedResult:
    """Create the demo tenants and their data; rows that exist already are left alone."""
    result = SeedResult()
    for slug, name in TENANTS:
        tenant, created = Tenant.objects.get_or_create(slug=slug, defaults={"name": name})
        result.count("tenants", int(created))
        moves_before = result.created.get(TRANSITIONS, 0)
        with tenant_context(tenant):
            seed_tenant(tenant, result)
            if slug == TENANTS[0][0]:
                seed_dev_sink(tenant, result)
        if result.created.get(TRANSITIONS, 0) > moves_before:
            # The seeded history is written as rows, not moves: the reports' read model
            # replays it once, so the dashboards show that history (a run that seeds no
            # history, the second one, leaves the read model alone).
            result.count("stays", stays_rebuild(tenant_id=tenant.pk))
    return result
