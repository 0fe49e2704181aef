"""`manage.py audit_prune [--dry-run] [--as-of DATE]`: delete the audit rows older than the
retention (AUDIT_RETENTION_YEARS), keeping every tenant's remaining chain verifiable."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.retention import audit_prune, retention_cutoff
from tenants.context import all_tenants_context


class Command(BaseCommand):
    help = "Delete audit rows past the retention in years; the chains stay verifiable."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument("--as-of", help="prune as if today were this date (YYYY-MM-DD)")

    def handle(self, *args, dry_run: bool = False, as_of: str | None = None, **options):
        now = None
        if as_of:
            try:
                day = datetime.strptime(as_of, "%Y-%m-%d").date()
            except ValueError:
                raise CommandError("--as-of must be a date, YYYY-MM-DD") from None
            now = timezone.make_aware(datetime.combine(day, time.min))
        cutoff = retention_cutoff(now=now)
        with all_tenants_context():
            pruned = audit_prune(cutoff=cutoff, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        years = settings.AUDIT_RETENTION_YEARS
        for item in pruned:
            self.stdout.write(
                f"tenant {item.tenant_id}: {verb} {item.rows} rows through seq {item.through_seq}"
            )
        self.stdout.write(
            f"Retention {years} years: rows before {cutoff:%Y-%m-%d} {verb} "
            f"in {len(pruned)} tenant(s)."
        )
