"""How fast a dataset export streams, and how much memory the exporting process needs.

    python -m bench.exports [--quick] [--applications N] [--per-application K]

Seeds a database of its own (ats_bench_exports) with one tenant, N applications (100,000;
10,000 with --quick) and K transitions each (10 by default: 1,000,000 transitions; the
issue's 10,000,000 is `--applications 1000000`), set-based. Then, in one run, each in a
fresh process so its peak resident memory is its own (os.wait4's ru_maxrss):

1. baseline: Postgres' own `COPY (the export's SELECT) TO STDOUT` read by psycopg and
   thrown away: what the database can hand over at best;
2. csv: the export as the API streams it (reporting.exports.stream.export_chunks), to
   /dev/null; its time to the first chunk too;
3. parquet: the same as Parquet row groups.

The last line is one JSON object: export_rows_per_s (the slower format), csv_rows_per_s,
parquet_rows_per_s, baseline_rows_per_s, ratio (export / baseline), export_peak_rss_mb
(the larger), first_chunk_ms, rows. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from . import harness
from .harness import say

ROOT = Path(__file__).resolve().parent.parent
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench_exports"
TEMPLATE_DB = f"{_PREFIX}_bench_template"


def _seed(url: str, applications: int, per_application: int) -> str:
    from .seed import seed, setup_django

    setup_django(url)
    from django.db import connection, transaction

    from milestones.models import MilestoneTransition
    from tenants.context import all_tenants_context

    seeded = seed(applications=applications)
    table = MilestoneTransition._meta.db_table
    # More moves per application: copies of each one's entry, a second apart, each its own
    # id; change_xid is left to its default (the seeding transaction).
    columns = [
        f.column for f in MilestoneTransition._meta.concrete_fields if f.column != "change_xid"
    ]
    select = [
        {
            "id": "md5(t.id::text || '-' || k)::uuid",
            "at": "t.at + k * interval '1 second'",
            "application_version": "t.application_version + k",
            "kind": "'advance'",
        }.get(c, f"t.{c}")
        for c in columns
    ]
    with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(select)} "  # noqa: S608
            f"FROM {table} t, generate_series(1, {per_application - 1}) AS k "
            "WHERE t.tenant_id = %s",
            [seeded.tenant_id],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    return seeded.tenant_id


def child(mode: str, tenant_id: str) -> None:
    """One measured export in this process; prints its JSON."""
    from .seed import setup_django

    setup_django(os.environ["DATABASE_URL"])
    from django.db import connection, transaction

    from reporting.exports.datasets import TRANSITIONS
    from reporting.exports.stream import (
        ExportFilters,
        dataset_sql,
        export_chunks,
        stream_from_the_index,
    )
    from tenants.context import tenant_context

    filters = ExportFilters(tenant_id=tenant_id, sensitive=True)
    start = time.perf_counter()
    first = None
    size = 0
    with tenant_context(tenant_id), open(os.devnull, "wb") as sink:
        if mode == "baseline":
            sql, params = dataset_sql(TRANSITIONS, filters, typed=False)
            with transaction.atomic():
                with connection.cursor() as django_cursor:
                    stream_from_the_index(django_cursor)  # the export's plan, for fairness
                raw = connection.connection
                copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
                with raw.cursor() as cursor, cursor.copy(copy_sql, params) as copy:
                    for data in copy:
                        first = first or time.perf_counter()
                        size += len(data)
                        sink.write(data)
        else:
            for index, chunk in enumerate(export_chunks(TRANSITIONS, filters, mode)):
                if mode != "csv" or index > 0:  # CSV's header goes before any row is read
                    first = first or time.perf_counter()
                size += len(chunk)
                sink.write(chunk)
    end = time.perf_counter()
    print(json.dumps({"s": end - start, "first_s": (first or end) - start, "bytes": size}))


def _measure(url: str, mode: str, tenant_id: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.exports", "--child", mode, "--tenant", tenant_id],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{mode} export failed")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--applications", type=int)
    parser.add_argument("--per-application", type=int, default=10)
    parser.add_argument("--child")
    parser.add_argument("--tenant")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.tenant)
        return
    applications = args.applications or (10_000 if args.quick else 100_000)
    base = harness.base_database_url()
    template = harness.migrated_template(base, TEMPLATE_DB)
    url = harness.recreate_database(base, BENCH_DB, template=template)
    rows = applications * args.per_application
    say(f"seeding {applications:,} applications, {rows:,} transitions")
    seeder = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bench.exports import _seed; "
            "print(_seed(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))",
            url,
            str(applications),
            str(args.per_application),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    tenant_id = seeder.stdout.strip().splitlines()[-1]
    print(json.dumps({"rows": rows, **measure(url, tenant_id, rows)}))


def measure(url: str, tenant_id: str, rows: int) -> dict:
    """The baseline, CSV and Parquet exports of a tenant's transitions, each in a fresh process.

    Also what bench.reports calls on its own history, so its JSON carries these numbers.
    """
    results = {}
    for mode in ("baseline", "csv", "parquet"):
        results[mode] = _measure(url, mode, tenant_id)
        r = results[mode]
        say(
            f"{mode} export: {rows / r['s']:,.0f} rows/s, first chunk "
            f"{r['first_s'] * 1000:.0f} ms, peak {r['peak_rss_mb']:.0f} MB, "
            f"{r['bytes'] / 1e6:.1f} MB out"
        )
    per_s = {mode: rows / r["s"] for mode, r in results.items()}
    export = min(per_s["csv"], per_s["parquet"])
    return {
        "export_rows_per_s": round(export),
        "csv_rows_per_s": round(per_s["csv"]),
        "parquet_rows_per_s": round(per_s["parquet"]),
        "baseline_rows_per_s": round(per_s["baseline"]),
        "ratio": round(export / per_s["baseline"], 3),
        "export_peak_rss_mb": round(
            max(results["csv"]["peak_rss_mb"], results["parquet"]["peak_rss_mb"]), 1
        ),
        "first_chunk_ms": round(
            max(results["csv"]["first_s"], results["parquet"]["first_s"]) * 1000
        ),
    }


if __name__ == "__main__":
    main()
