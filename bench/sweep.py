"""How the timer sweep's cost grows: with the rows that are due, not with the rows that exist.

    python -m bench.sweep [--quick]

Seeds a database of its own (ats_bench_sweep) with 1,000,000 active milestone stays
(100,000 with --quick) of which 10,000 (1,000) are past their first escalation level,
times the bare SQL that claims and flags those rows (one UPDATE over a SKIP LOCKED
sub-select: the floor), puts them back, and times one real sweep (every batch until
nothing is due: level bumps, notifications, audit events); each the best of three runs (RUNS).
Then it adds as many rows again, none due, makes the same rows due again and repeats.
Mail is queued (one task per batch, to an in-memory broker), not sent. The last line of
output is one JSON object; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import timedelta

from . import harness
from .harness import say
from .seed import _clone_sql, setup_django, template_application

BENCH_DB = "ats_bench_sweep"
TEMPLATE_DB = "ats_bench_sweep_template"
REQUISITIONS = 20
# Each timing is the best of this many: the first sweep after seeding pays one-off costs
# (a checkpoint's full-page writes, cold caches, the first prepared statements).
RUNS = 3
TABLE = "milestones_applicationmilestone"
FLAG_SQL = f"""
UPDATE {TABLE} SET escalation_level = escalation_level + 1, escalates_at = NULL
WHERE id IN (
    SELECT id FROM {TABLE}
    WHERE state = 'active' AND escalates_at <= %(now)s
    ORDER BY escalates_at FOR UPDATE SKIP LOCKED
) RETURNING id
"""


def _setup_tenant():
    """Configuration through the ORM: one tenant, staffed requisitions, a version whose
    first milestone escalates after 48 h (recruiter), 96 h (hiring manager), 120 h (HRBP,
    overdue); one template application with its milestones."""
    from django.db import transaction

    from milestones.models import (
        EscalationRule,
        Framework,
        FrameworkVersion,
        MilestoneDefinition,
        VersionStatus,
    )
    from tenants.context import all_tenants_context
    from tenants.models import Department, Membership, RequisitionType, Role, Tenant
    from tests.factories import make_user

    tenant = Tenant.objects.create(slug="bench", name="Bench Corp")
    recruiter = make_user(username="bench-recruiter")
    manager = make_user(username="bench-manager")
    with all_tenants_context(), transaction.atomic():
        for user, role in ((recruiter, Role.RECRUITER), (manager, Role.HIRING_MANAGER)):
            Membership.all_tenants.create(tenant=tenant, user=user, role=role)
        rtype = RequisitionType.all_tenants.create(tenant=tenant, code="ENG", name="Engineering")
        department = Department.all_tenants.create(tenant=tenant, code="D1", name="R&D")
        framework = Framework.all_tenants.create(tenant=tenant, name="Standard hiring")
        version = FrameworkVersion.all_tenants.create(
            tenant=tenant, framework=framework, number=1, status=VersionStatus.ACTIVE
        )
        first = None
        for order, code in enumerate(("APPLIED", "SCREEN", "OFFER", "HIRED"), start=1):
            definition = MilestoneDefinition.all_tenants.create(
                tenant=tenant, version=version, code=code, name=code.title(), order=order
            )
            first = first or definition
        hours = timedelta(hours=1)
        for level, after, notify, overdue in (
            (1, 48, ["recruiter"], False),
            (2, 96, ["hiring_manager"], False),
            (3, 120, ["hrbp"], True),
        ):
            EscalationRule.all_tenants.create(
                tenant=tenant,
                milestone=first,
                level=level,
                after=after * hours,
                notify=notify,
                mark_overdue=overdue,
            )
        first.first_escalation_after = 48 * hours
        first.save(update_fields=["first_escalation_after"])
    return template_application(
        tenant=tenant,
        requisition_type=rtype,
        department=department,
        version=version,
        count=REQUISITIONS,
        recruiter=recruiter,
        hiring_manager=manager,
    )


_SEEDED_TABLES = ("recruiting_candidate", "recruiting_application", TABLE)


def _foreign_keys_off(cursor) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of the seeded tables (their per-row triggers dominate a bulk
    insert; the bench role may not disable triggers) and say how to put them back."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [list(_SEEDED_TABLES)],
    )
    keys = cursor.fetchall()
    for table, name, _ in keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return keys


def _indexes_off(cursor) -> list[str]:
    """Drop the plain indexes of the seeded tables (building one after the insert is far
    cheaper than a million random inserts into it); returns their definitions."""
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid::regclass::text = ANY(%s) AND NOT indisprimary AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid)",
        [list(_SEEDED_TABLES)],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in indexes]


def _foreign_keys_on(cursor, keys) -> None:
    """Re-create them, checked once over the whole table (VALIDATE is one scan)."""
    for table, name, definition in keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
        cursor.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')


def _add_rows(candidate, template, requisitions, first: int, last: int, now) -> None:
    """Applications first..last, each with one active stay not yet due (set-based SQL)."""
    from django.db import connection, transaction

    from milestones.models import ApplicationMilestone
    from recruiting.models import Application, Candidate
    from tenants.context import all_tenants_context

    app_id = "md5('bench-app-' || g)::uuid"
    req_array = "ARRAY[" + ",".join(f"'{r.pk}'::uuid" for r in requisitions) + "]"
    requisition_of_g = f"({req_array})[1 + g % {REQUISITIONS}]"
    series = f"generate_series({first}, {last}) AS g"
    with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
        keys = _foreign_keys_off(cursor)
        indexes = _indexes_off(cursor)
        cursor.execute(
            _clone_sql(
                Candidate,
                {"id": "md5('bench-cand-' || g)::uuid", "last_name": "'Candidate ' || g"},
                f"{Candidate._meta.db_table} t, {series} WHERE t.id = '{candidate.pk}'",
            )
        )
        cursor.execute(
            _clone_sql(
                Application,
                {
                    "id": app_id,
                    "candidate_id": "md5('bench-cand-' || g)::uuid",
                    "requisition_id": requisition_of_g,
                },
                f"{Application._meta.db_table} t, {series} WHERE t.id = '{template.pk}'",
            )
        )
        cursor.execute(
            _clone_sql(
                ApplicationMilestone,
                {
                    "id": "md5('bench-am-' || g)::uuid",
                    "application_id": app_id,
                    "requisition_id": requisition_of_g.replace("%", "%%"),  # has parameters
                    # Entered within the last day: the first level is a day or more away.
                    "entered_at": "%(now)s - (g %% 1440) * interval '1 minute'",
                    "escalates_at": "%(now)s - (g %% 1440) * interval '1 minute' "
                    "+ interval '48 hours'",
                },
                f"{TABLE} t, {series} WHERE t.application_id = '{template.pk}' "
                "AND t.state = 'active'",
            ),
            {"now": now},
        )
        for definition in indexes:
            cursor.execute(definition)
        _foreign_keys_on(cursor, keys)
    with connection.cursor() as cursor:
        for table in _SEEDED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")


def _make_due(due: int, now) -> None:
    """The first `due` stays entered 50 hours ago: level 1 due, level 0 so far."""
    from django.db import connection

    from tenants.context import all_tenants_context

    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET entered_at = %(now)s - interval '50 hours', "
            "escalates_at = %(now)s - interval '2 hours', escalation_level = 0 "
            "WHERE id IN (SELECT md5('bench-am-' || g)::uuid FROM generate_series(1, %(due)s) g)",
            {"now": now, "due": due},
        )
        cursor.execute("DELETE FROM reporting_notification")
        cursor.execute(f"ANALYZE {TABLE}")


def _time_sql(now) -> tuple[float, int]:
    """The floor: claim and flag every due row in one statement, committed. Then put the
    rows back so the sweep finds the same ones."""
    from django.db import connection, transaction

    from tenants.context import all_tenants_context

    with all_tenants_context():
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(FLAG_SQL, {"now": now})
            ids = [row[0] for row in cursor.fetchall()]
        elapsed = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET escalation_level = 0, "
                "escalates_at = %(now)s - interval '2 hours' WHERE id = ANY(%(ids)s)",
                {"now": now, "ids": ids},
            )
    return elapsed, len(ids)


def _measure(rows: int, due: int, now) -> dict:
    from milestones.services.timers.sweep import milestones_sweep

    _make_due(due, now)
    sql_runs = []
    for _ in range(RUNS):
        elapsed, flagged = _time_sql(now)
        assert flagged == due, (flagged, due)
        sql_runs.append(elapsed)
    sweep_runs = []
    for _ in range(RUNS):
        _make_due(due, now)
        t0 = time.perf_counter()
        result = milestones_sweep(now=now)
        sweep_runs.append(time.perf_counter() - t0)
        assert result.escalated_stays == due, result
    sweep_s = min(sweep_runs)
    sql_s = min(sql_runs)
    say(
        f"{rows:,} active, {due:,} due: sweep {sweep_s:.3f}s, bare SQL {sql_s:.3f}s "
        f"(x{sweep_s / sql_s:.1f}); {result.as_dict()}"
    )
    return {"rows": rows, "due": due, "sweep_s": sweep_s, "sql_s": sql_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k/200k rows, 1,000 due")
    args = parser.parse_args(argv)
    started = time.monotonic()
    rows = 100_000 if args.quick else 1_000_000
    due = 1_000 if args.quick else 10_000

    base_url = harness.base_database_url()
    harness.migrated_template(base_url, TEMPLATE_DB)
    bench_url = harness.recreate_database(base_url, BENCH_DB, template=TEMPLATE_DB)
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    # The sweep queues one email task per batch; kept in this process's memory, not sent
    # to a broker a later `make run` worker would read.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    setup_django(bench_url)
    from django.utils import timezone

    now = timezone.now()
    candidate, template, requisitions = _setup_tenant()
    t0 = time.monotonic()
    _add_rows(candidate, template, requisitions, 1, rows, now)
    say(f"seeded {rows:,} active stays in {time.monotonic() - t0:.1f}s")
    small = _measure(rows, due, now)
    t0 = time.monotonic()
    _add_rows(candidate, template, requisitions, rows + 1, 2 * rows, now)
    say(f"seeded {rows:,} more in {time.monotonic() - t0:.1f}s")
    large = _measure(2 * rows, due, now)

    summary = {
        "bench": "sweep",
        "quick": args.quick,
        "rows": rows,
        "due": due,
        "sweep_s": round(small["sweep_s"], 4),
        "sql_s": round(small["sql_s"], 4),
        "ratio_vs_sql": round(small["sweep_s"] / small["sql_s"], 2),
        "sweep_s_2x": round(large["sweep_s"], 4),
        "sql_s_2x": round(large["sql_s"], 4),
        "ratio_vs_sql_2x": round(large["sweep_s"] / large["sql_s"], 2),
        "growth_2x": round(large["sweep_s"] / small["sweep_s"], 3),
        "elapsed_s": round(time.monotonic() - started, 1),
        "postgres": harness.server_version(bench_url),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
