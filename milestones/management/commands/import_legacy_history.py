"""`manage.py import_legacy_history --tenant <slug> --source <system> FILE.csv|FILE.json`."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from milestones.services.legacy import (
    LegacyImportInvalid,
    legacy_history_import,
    legacy_rows_from_csv,
)
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Import a legacy stage history (CSV with a header, or a JSON list of rows / "
        '{"rows": [...]}) as milestone transitions with cause import. All rows or none.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--source", required=True, help="source system of the mappings")
        parser.add_argument("file", help="FILE.csv or FILE.json")
        parser.add_argument("--dry-run", action="store_true", help="validate only")

    def handle(self, *args, tenant: str, source: str, file: str, dry_run: bool, **options):
        with all_tenants_context():
            found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"no tenant with slug {tenant!r}")
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{file} is not valid JSON: {exc}") from exc
            rows = data.get("rows") if isinstance(data, dict) else data
            if not isinstance(rows, list):
                raise CommandError('the JSON must be a list of rows or {"rows": [...]}')
            lines = None
        else:
            rows, lines = legacy_rows_from_csv(text)
        with tenant_context(found):
            try:
                result = legacy_history_import(
                    source_system=source, rows=rows, lines=lines, dry_run=dry_run
                )
            except LegacyImportInvalid as exc:
                for error in exc.fields.get("rows", []):
                    self.stderr.write(
                        f"line {error['line']}: {error['field']}: {error['code']}: "
                        f"{error['message']}"
                    )
                for field, messages in exc.fields.items():
                    if field != "rows":
                        self.stderr.write(f"{field}: {'; '.join(messages)}")
                raise CommandError(exc.message) from exc
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb} {result.transitions} rows for {result.applications} applications "
            f"({result.milestone_rows_created} milestone rows created, "
            f"{result.milestone_rows_updated} updated)"
        )
        if result.rows_already_imported:
            lines = ", ".join(str(row["line"]) for row in result.already_imported)
            self.stdout.write(
                f"{result.rows_already_imported} rows were already imported (lines {lines})"
            )
