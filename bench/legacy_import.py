"""Benchmark of the legacy history import: `python -m bench.legacy_import [--quick]`.

Needs a migrated database in DATABASE_URL (a scratch one is best). Everything happens in
one transaction that is rolled back at the end, so the database is left as it was.

It seeds applications with external ids (set-based SQL), imports 100,000 stage rows
(10,000 with --quick) through `legacy_history_import`, then copies the same rows into a
scratch table with bare SQL COPY as the baseline. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

STAGES = [("New", "APPLIED"), ("Phone", "SCREEN"), ("Onsite", "INTERVIEW"), ("Offer", "OFFER")]
SOURCE = "bench-legacy"


def _setup() -> None:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ats_milestones.settings.local")
    import django

    django.setup()


class _Rollback(Exception):
    pass


def _seed(*, tenant, applications: int) -> None:
    """A version with the mapped milestones, one requisition, and `applications`
    candidates and applications with external ids BENCH-<n>, all in set-based SQL."""
    from django.db import connection

    from milestones.models import (
        Framework,
        FrameworkVersion,
        LegacyStageMapping,
        MilestoneDefinition,
    )
    from recruiting.models import Application, Candidate, Requisition
    from tenants.models import Department, RequisitionType

    framework = Framework.objects.create(name="Bench")
    version = FrameworkVersion.objects.create(framework=framework, number=1, status="active")
    for order, (stage, code) in enumerate([*STAGES, ("Hired", "HIRED")], start=1):
        MilestoneDefinition.objects.create(version=version, code=code, name=code, order=order)
        LegacyStageMapping.objects.create(
            source_system=SOURCE, legacy_stage=stage, milestone_code=code
        )
    requisition = Requisition.objects.create(
        title="Bench",
        department=Department.objects.create(code="BENCH", name="Bench"),
        requisition_type=RequisitionType.objects.create(code="BENCH", name="Bench"),
        framework_version=version,
    )
    field = Application._meta.get_field
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Candidate._meta.db_table}
                (id, tenant_id, created_at, updated_at, external_id, first_name, last_name,
                 email, phone, location)
            SELECT gen_random_uuid(), %s, now(), now(), 'C-' || n, 'Bench', 'Candidate' || n,
                   'bench' || n || '@example.com', '', ''
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 -- model table names, parameters for values
            [tenant.pk, applications],
        )
        cursor.execute(
            f"""
            INSERT INTO {Application._meta.db_table}
                (id, tenant_id, created_at, updated_at, external_id, source, hire_type, status,
                 reject_reason, applied_at, version, candidate_id, requisition_id)
            SELECT gen_random_uuid(), %s, now(), now(), 'BENCH-' || substr(c.external_id, 3),
                   %s, %s, %s, '', now(), 1, c.id, %s
            FROM {Candidate._meta.db_table} AS c WHERE c.tenant_id = %s
            """,  # noqa: S608 -- model table names, parameters for values
            [
                tenant.pk,
                field("source").default,
                field("hire_type").default,
                field("status").default,
                requisition.pk,
                tenant.pk,
            ],
        )


def _rows(count: int) -> list[dict]:
    """`count` stage rows: each application goes through the stages, the last one open."""
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    per = len(STAGES)
    for i in range(count):
        application, step = divmod(i, per)
        entered = start + timedelta(days=step, minutes=application % 1440)
        last = step == per - 1
        rows.append(
            {
                "application_external_id": f"BENCH-{application + 1}",
                "legacy_stage": STAGES[step][0],
                "entered_at": entered.isoformat(),
                "left_at": "" if last else (entered + timedelta(days=1)).isoformat(),
            }
        )
    return rows


def _sql_baseline(*, tenant, rows: list[dict]) -> float:
    """Bare COPY of the same rows (resolved ids and parsed times) into a scratch table."""
    from django.db import connection

    from milestones.models import MilestoneDefinition
    from recruiting.models import Application

    ids = dict(Application.objects.values_list("external_id", "id"))
    milestones = dict(MilestoneDefinition.objects.values_list("code", "id"))
    mapping = dict(STAGES)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_legacy_scratch (id uuid PRIMARY KEY, tenant_id uuid, "
            "application_id uuid, to_milestone_id uuid, cause text, at timestamptz, "
            "left_at timestamptz) ON COMMIT DROP"
        )
        started = time.perf_counter()
        with cursor.cursor.copy(
            "COPY bench_legacy_scratch (id, tenant_id, application_id, to_milestone_id, "
            "cause, at, left_at) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (
                        uuid.uuid4(),
                        tenant.pk,
                        ids[row["application_external_id"]],
                        milestones[mapping[row["legacy_stage"]]],
                        "import",
                        datetime.fromisoformat(row["entered_at"]),
                        datetime.fromisoformat(row["left_at"]) if row["left_at"] else None,
                    )
                )
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 rows instead of 100,000")
    args = parser.parse_args(argv)
    _setup()

    from django.db import transaction

    from milestones.services.legacy import legacy_history_import
    from tenants.context import tenant_context
    from tenants.models import Tenant

    count = 10_000 if args.quick else 100_000
    rows = _rows(count)
    applications = -(-count // len(STAGES))
    result: dict = {}
    try:
        with transaction.atomic():
            tenant = Tenant.objects.create(
                slug=f"bench-{uuid.uuid4().hex[:12]}", name="Legacy import bench"
            )
            with tenant_context(tenant):
                started = time.perf_counter()
                _seed(tenant=tenant, applications=applications)
                seed_s = time.perf_counter() - started
                print(f"seeded {applications} applications in {seed_s:.2f}s", flush=True)

                started = time.perf_counter()
                imported = legacy_history_import(source_system=SOURCE, rows=rows)
                import_s = time.perf_counter() - started
                print(f"imported {imported.rows} rows in {import_s:.2f}s", flush=True)

                sql_s = _sql_baseline(tenant=tenant, rows=rows)
                print(f"bare SQL COPY of {count} rows in {sql_s:.2f}s", flush=True)
            result = {
                "bench": "legacy_import",
                "rows": imported.rows,
                "import_s": round(import_s, 3),
                "sql_s": round(sql_s, 3),
                "ratio_vs_sql": round(import_s / sql_s, 1) if sql_s else None,
            }
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
