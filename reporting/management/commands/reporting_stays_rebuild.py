"""Rebuild the milestone stays from the transition log, one tenant or all, with progress."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reporting.stays import progress_bar, stays_rebuild
from tenants.models import Tenant


class Command(BaseCommand):
    help = "Replace the milestone stays of a tenant (or every tenant) by a replay of its log."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="the tenant's slug (default: every tenant)")

    def handle(self, *args, tenant=None, **options):
        tenants = Tenant.objects.order_by("slug")
        if tenant:
            tenants = tenants.filter(slug=tenant)
            if not tenants.exists():
                raise CommandError(f"no tenant with slug {tenant!r}")
        for each in tenants:
            self.stdout.write(f"{each.name}:")
            made = stays_rebuild(
                tenant_id=each.pk,
                progress=lambda done, total: progress_bar(done, total, out=self.stderr),
            )
            self.stdout.write(f"  {made:,} stays")
