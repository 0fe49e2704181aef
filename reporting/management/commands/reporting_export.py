"""Export a dataset of one tenant to a file (or stdout), with a progress bar on stderr."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from reporting.exports.datasets import dataset_get, dataset_list
from reporting.exports.files import export_write, progress_bar
from reporting.exports.stream import ExportFilters, dataset_count
from reporting.models import ExportFormat
from tenants.context import tenant_context
from tenants.models import Tenant


def _when(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value)
    if parsed is None or parsed.tzinfo is None:
        raise CommandError(f"{value!r} is not a time with its offset (e.g. 2026-01-01T00:00Z)")
    return parsed


class Command(BaseCommand):
    help = "Write a dataset (transitions, stays, ...) of a tenant as CSV or Parquet."

    def add_arguments(self, parser):
        parser.add_argument("dataset", help=", ".join(d.name for d in dataset_list()))
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("--format", choices=ExportFormat.values, default=ExportFormat.CSV)
        parser.add_argument("--output", "-o", default="-", help="a file (default: stdout)")
        parser.add_argument("--since", help="rows from this time (ISO-8601 with offset)")
        parser.add_argument("--until", help="rows before this time")
        parser.add_argument(
            "--department", action="append", type=uuid.UUID, help="a department id (repeat)"
        )
        parser.add_argument(
            "--without-sensitive",
            action="store_true",
            help="leave out the rows of sensitive milestones",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, dataset, tenant, output, **options):
        found = dataset_get(dataset)
        if found is None:
            raise CommandError(
                f"no dataset {dataset!r}; one of {', '.join(d.name for d in dataset_list())}"
            )
        row = Tenant.objects.filter(slug=tenant).first()
        if row is None:
            raise CommandError(f"no tenant with slug {tenant!r}")
        filters = ExportFilters(
            tenant_id=row.pk,
            since=_when(options["since"]),
            until=_when(options["until"]),
            department_ids=tuple(options["department"]) if options["department"] else None,
            sensitive=not options["without_sensitive"],
        )
        with tenant_context(row.pk):
            progress = None
            if not options["no_progress"]:
                total = dataset_count(found, filters)

                def progress(done: int) -> None:
                    progress_bar(done, total, out=self.stderr)

            if output == "-":
                rows = export_write(
                    dataset=found,
                    filters=filters,
                    fmt=options["format"],
                    out=sys.stdout.buffer,
                    progress=progress,
                )
            else:
                with open(output, "wb") as out:
                    rows = export_write(
                        dataset=found,
                        filters=filters,
                        fmt=options["format"],
                        out=out,
                        progress=progress,
                    )
            if progress is not None and rows == 0:
                progress(0)
        self.stderr.write(f"{rows:,} rows of {found.name}")
