"""Reports over a big history: the read model against the naive query, and its lag.

    python -m bench.reports [--quick]

Seeds a database of its own ({prefix}_bench_reports) with one tenant: 1,000,000
applications (--quick: 10,000) over 200 requisitions in 10 departments, each with 10
transitions (10,000,000; set-based, generate_series) through 8 milestones over two years,
one regression each, two in five hired, one in five rejected, the rest still open; and
their stays (the read model as the moves leave it). In the same run:

- the time-in-milestone-by-department report of the last 30 days through the app: 20
  requests to `GET /api/v1/reports/time_in_milestone` against the production-like server
  the other benches use (gunicorn, production settings, pooled connections): p50, p95;
- the bare SQL GROUP BY over the raw transitions (a window function pairs each transition
  with the next, then the period is applied) that computes the same numbers (checked
  equal): its median time; and the same with the period pushed down to the transitions;
- the read model's lag after 10,000 moves (--quick: 500) through the API: from the last
  move's response until the stays hold every one of them.

- then every transition of the tenant exported as CSV and as Parquet, each in a fresh
  process (bench.exports' `measure`: the streaming export, to /dev/null, beside Postgres'
  own COPY as the baseline): rows per second and the exporting process's peak memory.

Last line, JSON: report_p95_ms, bare_sql_ms, ratio (p95 / bare), lag_s, export_rows_per_s
(the slower format), export_peak_rss_mb (the larger). Targets: p95 < 300 ms, ratio <= 0.1,
lag < 5 s, export peak < 300 MB.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from . import harness
from .harness import say

# BENCH_DB_PREFIX keeps the databases of benches run side by side on one server apart.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench_reports"
TEMPLATE_DB = f"{_PREFIX}_bench_reports_template"
DEPARTMENTS, REQUISITIONS, RECRUITERS = 10, 200, 8
TRANSITIONS = 10  # per application
REQUESTS = 20
PERIOD = timedelta(days=30)
CHUNK = 100_000  # applications per INSERT, for progress
MOVE_THREADS = 8

# The milestones each application goes through, by position (1-based into the version's
# eight), one transition each: APPLIED .. INTERVIEW, back to ASSESSMENT, on to OFFER, then
# the last one: hired or rejected (no milestone), or into HIRED and still open.
_PATH = "ARRAY[1, 2, 3, 4, 5, 4, 5, 6, 7, 8]"
_KIND = (
    "CASE WHEN k = 0 THEN 'initialize' WHEN k = 5 THEN 'regression'"
    " WHEN k = 9 AND mod(g, 5) = 2 THEN 'reject' ELSE 'advance' END"
)
_FINISHED = "(mod(g, 5) IN (0, 1, 2))"  # hired (0, 1) or rejected (2)
_CAUSE = "CASE WHEN k IN (1, 2) AND mod(g, 3) = 0 THEN 'trigger' ELSE 'manual' END"


def _at(k: str) -> str:
    """Transition k of application g: two days apart, jittered (always later than k-1)."""
    return (
        f"(%(start)s::timestamptz + g * %(spread)s * interval '1 second'"
        f" + ({k}) * interval '2 days'"
        f" + mod(abs(hashint8((g * 16 + ({k}))::bigint)::bigint), 172800) * interval '1 second')"
    )


def _milestone(k: str) -> str:
    return f"(%(milestones)s::uuid[])[({_PATH})[({k}) + 1]]"


def _seed_history(*, tenant_id: str, applications: int, offset: int) -> None:
    """`applications` more applications with their transitions and stays, set-based."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from milestones.models import FrameworkVersion, MilestoneDefinition
    from recruiting.models import Requisition
    from tenants.context import all_tenants_context
    from tenants.models import Department, RequisitionType

    now = datetime.now(UTC)
    start = now - timedelta(days=750)
    with all_tenants_context(), transaction.atomic():
        version = FrameworkVersion.all_tenants.get(tenant_id=tenant_id)
        milestones = [
            str(pk)
            for pk in MilestoneDefinition.all_tenants.filter(version=version)
            .order_by("order")
            .values_list("pk", flat=True)
        ]
        rtype = RequisitionType.all_tenants.get(tenant_id=tenant_id)
        departments = [
            Department.all_tenants.create(tenant_id=tenant_id, code=f"H{n}", name=f"Team {n}")
            for n in range(DEPARTMENTS)
        ]
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"reports-recruiter-{n}") for n in range(RECRUITERS)]
        )
        requisitions = Requisition.all_tenants.bulk_create(
            [
                Requisition(
                    tenant_id=tenant_id,
                    title=f"History role {n}",
                    requisition_type=rtype,
                    department=departments[n % DEPARTMENTS],
                    recruiter=users[n % RECRUITERS],
                    framework_version=version,
                    openings=1 + n % 3,
                    opened_at=start + timedelta(days=n * 3),
                )
                for n in range(REQUISITIONS)
            ]
        )
    params = {
        "tenant": tenant_id,
        "start": start,
        "spread": 730 * 86400 / applications,
        "milestones": milestones,
        "requisitions": [str(r.pk) for r in requisitions],
        "n": REQUISITIONS,
    }
    requisition_of_g = "(%(requisitions)s::uuid[])[1 + mod(g, %(n)s)]"
    application_of_g = "md5('history-app-' || g)::uuid"
    for first in range(offset + 1, offset + applications + 1, CHUNK):
        last = min(first + CHUNK - 1, offset + applications)
        series = f"generate_series({first}, {last}) AS g"
        steps = f"{series} CROSS JOIN generate_series(0, {TRANSITIONS - 1}) AS k"
        with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO recruiting_candidate (id, tenant_id, created_at, updated_at,"
                " external_id, first_name, last_name, email, phone, location)"
                " SELECT md5('history-cand-' || g)::uuid, %(tenant)s, %(start)s, %(start)s, '',"
                f" 'History', 'Candidate ' || g, 'h' || g || '@example.com', '', '' FROM {series}",
                params,
            )
            cursor.execute(
                "INSERT INTO recruiting_application (id, created_at, updated_at, tenant_id,"
                " candidate_id, requisition_id, external_id, source, hire_type, status,"
                " reject_reason, applied_at, current_milestone_id, version)"
                f" SELECT {application_of_g}, {_at('0')}, {_at('9')}, %(tenant)s,"
                f" md5('history-cand-' || g)::uuid, {requisition_of_g}, '', 'external',"
                " 'standard', CASE mod(g, 5) WHEN 2 THEN 'rejected' WHEN 0 THEN 'hired'"
                " WHEN 1 THEN 'hired' ELSE 'active' END, '', " + _at("0") + ","
                f" CASE WHEN {_FINISHED} THEN NULL ELSE {_milestone('9')} END, {TRANSITIONS}"
                f" FROM {series}",
                params,
            )
            cursor.execute(
                "INSERT INTO milestones_milestonetransition (id, created_at, updated_at,"
                " tenant_id, application_id, from_milestone_id, to_milestone_id, kind, cause,"
                " actor_user_id, actor_api_client_id, actor_role, reason, at,"
                " application_version)"
                f" SELECT md5('history-tr-' || g || '-' || k)::uuid, {_at('k')}, {_at('k')},"
                f" %(tenant)s, {application_of_g},"
                f" CASE WHEN k = 0 THEN NULL ELSE {_milestone('k - 1')} END,"
                f" CASE WHEN k = 9 AND {_FINISHED} THEN NULL ELSE {_milestone('k')} END,"
                f" {_KIND}, {_CAUSE}, NULL, NULL, '', '', {_at('k')}, k + 1 FROM {steps}",
                params,
            )
            cursor.execute(
                "INSERT INTO reporting_milestonestay (id, tenant_id, created_at, updated_at,"
                " application_id, milestone_id, requisition_id, department_id, recruiter_id,"
                " job_family_id, requisition_type_id, framework_version_id, entered_at,"
                " left_at, ended, calendar_seconds, business_seconds, reverted, entered_cause,"
                " entered_transition_id, left_transition_id)"
                f" SELECT md5('history-stay-' || g || '-' || k)::uuid, %(tenant)s, {_at('k')},"
                f" {_at('k')}, {application_of_g}, {_milestone('k')}, r.id, r.department_id,"
                " r.recruiter_id, r.job_family_id, r.requisition_type_id,"
                f" r.framework_version_id, {_at('k')},"
                f" CASE WHEN k < 9 THEN {_at('k + 1')} END,"
                " CASE WHEN k = 9 THEN '' WHEN k = 4 THEN 'regressed'"
                " WHEN k = 8 AND mod(g, 5) = 2 THEN 'rejected'"
                " WHEN k = 8 AND mod(g, 5) IN (0, 1) THEN 'hired' ELSE 'advanced' END,"
                f" CASE WHEN k < 9 THEN extract(epoch FROM {_at('k + 1')} - {_at('k')}) END,"
                # Business time of bench data: about a quarter of calendar time (its
                # values do not change what the report costs).
                f" CASE WHEN k < 9 THEN extract(epoch FROM {_at('k + 1')} - {_at('k')}) / 4"
                f" END, false, {_CAUSE}, md5('history-tr-' || g || '-' || k)::uuid,"
                " CASE WHEN k < 9 THEN md5('history-tr-' || g || '-' || (k + 1))::uuid END"
                f" FROM {steps} JOIN recruiting_requisition r ON r.id = {requisition_of_g}"
                f" WHERE k < 9 OR NOT {_FINISHED}",
                params,
            )
        say(f"seeded applications {first:,}..{last:,} ({last * TRANSITIONS:,} transitions)")


BARE_SQL = """
WITH stays AS (
    SELECT t.to_milestone_id AS milestone_id, r.department_id, t.at AS entered_at,
           lead(t.at) OVER (PARTITION BY t.application_id
                            ORDER BY t.at, t.application_version) AS left_at
    FROM milestones_milestonetransition t
    JOIN recruiting_application a ON a.id = t.application_id
    JOIN recruiting_requisition r ON r.id = a.requisition_id
    WHERE t.tenant_id = %(tenant)s {pushdown}
)
SELECT milestone_id, department_id, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)),
       avg(extract(epoch FROM left_at - entered_at))
FROM stays
WHERE milestone_id IS NOT NULL AND left_at IS NOT NULL AND entered_at >= %(since)s
GROUP BY 1, 2
"""


def _bare_sql(url: str, *, tenant: str, since: datetime, pushdown: bool) -> tuple[float, dict]:
    """The naive query (the window over all the tenant's transitions, then the period),
    or with the period pushed down to the transitions (`pushdown`: a careful analyst's
    version), run three times on a connection of its own: median ms, and its numbers."""
    import psycopg

    sql = BARE_SQL.format(pushdown="AND t.at >= %(since)s" if pushdown else "")
    times, numbers = [], {}
    with psycopg.connect(url) as conn:
        conn.execute("SET jit = off")  # as the app's connections (see docs/benchmarks.md)
        conn.execute("SELECT set_config('app.all_tenants', 'on', false)")
        for _ in range(3):
            started = time.perf_counter()
            rows = conn.execute(sql, {"tenant": tenant, "since": since}).fetchall()
            times.append((time.perf_counter() - started) * 1000)
        for milestone, department, count, median, p90, mean in rows:
            numbers[str(milestone), str(department)] = (count, median, p90, float(mean))
    return statistics.median(times), numbers


def _report_requests(
    base: str, token: str, *, since: datetime, workers: int
) -> tuple[list[float], dict]:
    query = urlencode(
        {"by": "department", "basis": "calendar", "since": since.isoformat().replace("+00:00", "Z")}
    )
    url = f"{base}/api/v1/reports/time_in_milestone?{query}"
    headers = {"Authorization": f"Bearer {token}"}
    # Every worker's first report pays its start-up (imports, the pool, prepared
    # statements): with 3 warm-ups for 5 workers a cold one was the p95 (17 ms p50, 321 p95).
    harness.warm_up(url, headers, n=10 * workers)
    times, body = [], None
    for _ in range(REQUESTS):
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as r:
            body = json.loads(r.read())
        times.append((time.perf_counter() - started) * 1000)
    numbers = {
        (row["milestone"]["id"], row["group"]["id"]): (
            row["count"],
            row["median_seconds"],
            row["p90_seconds"],
            row["mean_seconds"],
        )
        for row in body["rows"]
        if row["count"]
    }
    return times, numbers


def _same(a: dict, b: dict) -> bool:
    """The same groups with the same count, median, p90 and mean (to float precision)."""

    def close(p: float, q: float) -> bool:
        return abs(p - q) <= 1e-6 * max(1.0, abs(p))

    return a.keys() == b.keys() and all(
        a[k][0] == b[k][0] and all(map(close, a[k][1:], b[k][1:])) for k in a
    )


def _moves(base: str, token: str, version: int, ids: list[str]) -> tuple[float, int]:
    """Advance each application once over the API (keep-alive connections, a few threads);
    returns when the last response arrived and how many answered 200."""
    host = urlsplit(base)
    chunks = [ids[i::MOVE_THREADS] for i in range(MOVE_THREADS)]
    body = json.dumps({"action": "advance"})
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "If-Match": f'"{version}"',
    }

    def run(chunk: list[str]) -> Counter:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        statuses: Counter = Counter()
        for pk in chunk:
            conn.request("POST", f"/api/v1/applications/{pk}/transitions", body, headers)
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
        conn.close()
        return statuses

    with ThreadPoolExecutor(MOVE_THREADS) as pool:
        statuses = sum(pool.map(run, chunks), Counter())
    if set(statuses) - {200, 201}:
        say(f"moves answered {dict(statuses)}")
    return time.monotonic(), statuses[200] + statuses[201]


def _lag(url: str, *, tenant: str, since: datetime, moved_at: float, timeout: float = 60):
    """Seconds from the last move's response until every move since `since` that entered a
    milestone has its stay (the read model is written in the move's transaction)."""
    import psycopg

    sql = """
    SELECT count(*) FILTER (WHERE s.id IS NULL), count(*)
    FROM milestones_milestonetransition t
    LEFT JOIN reporting_milestonestay s
      ON s.tenant_id = t.tenant_id AND s.entered_transition_id = t.id
    WHERE t.tenant_id = %(tenant)s AND t.at >= %(since)s AND t.to_milestone_id IS NOT NULL
    """
    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('app.all_tenants', 'on', false)")
        while True:
            missing, total = conn.execute(sql, {"tenant": tenant, "since": since}).fetchone()
            now = time.monotonic()
            if missing == 0 or now - moved_at > timeout:
                return max(0.0, now - moved_at), missing, total
            time.sleep(0.05)


def _exports(url: str, tenant: str) -> dict:
    """Every transition of the tenant, exported as CSV and as Parquet (bench.exports)."""
    import psycopg

    from . import exports

    with psycopg.connect(url) as conn:
        conn.execute("SELECT set_config('app.all_tenants', 'on', false)")
        rows = conn.execute(
            "SELECT count(*) FROM milestones_milestonetransition WHERE tenant_id = %s", [tenant]
        ).fetchone()[0]
    say(f"exporting {rows:,} transitions as CSV and as Parquet")
    numbers = exports.measure(url, tenant, rows)
    return {
        "export_rows": rows,
        "export_rows_per_s": numbers["export_rows_per_s"],
        "export_csv_rows_per_s": numbers["csv_rows_per_s"],
        "export_parquet_rows_per_s": numbers["parquet_rows_per_s"],
        "export_baseline_rows_per_s": numbers["baseline_rows_per_s"],
        "export_peak_rss_mb": numbers["export_peak_rss_mb"],
        "export_first_chunk_ms": numbers["first_chunk_ms"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 applications, 500 moves")
    parser.add_argument("--applications", type=int, help="override the history's size")
    args = parser.parse_args(argv)
    started = time.monotonic()
    n_apps = args.applications or (10_000 if args.quick else 1_000_000)
    n_moves = 500 if args.quick else 10_000

    base_url = harness.base_database_url()
    harness.migrated_template(base_url, TEMPLATE_DB)
    bench_url = harness.recreate_database(base_url, BENCH_DB, template=TEMPLATE_DB)
    from .seed import seed, setup_django

    setup_django(bench_url)
    t0 = time.monotonic()
    seeded = seed(applications=n_moves)  # the applications the lag run moves
    _seed_history(tenant_id=seeded.tenant_id, applications=n_apps, offset=0)
    from django.db import connection, connections

    tables = ("recruiting_candidate", "recruiting_application", "reporting_milestonestay")
    with connection.cursor() as cursor:
        for table in (*tables, "milestones_milestonetransition"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    connections.close_all()
    seed_s = time.monotonic() - t0
    say(f"seeded {n_apps:,} applications, {n_apps * TRANSITIONS:,} transitions in {seed_s:.0f}s")

    since = datetime.now(UTC) - PERIOD
    cores = os.cpu_count() or 2
    with harness.gunicorn(database_url=bench_url, workers=2 * cores + 1) as (base, _):
        say("report through the API")
        times, via_app = _report_requests(base, seeded.token, since=since, workers=2 * cores + 1)
        say("bare SQL over the raw transitions")
        bare_ms, via_sql = _bare_sql(
            bench_url, tenant=seeded.tenant_id, since=since, pushdown=False
        )
        pushed_ms, via_pushed = _bare_sql(
            bench_url, tenant=seeded.tenant_id, since=since, pushdown=True
        )
        say(f"{n_moves:,} moves, then the read model's lag")
        moves_from = datetime.now(UTC)
        moves_started = time.monotonic()
        moved_at, moved = _moves(base, seeded.token, seeded.version, seeded.application_ids)
        moves_s = moved_at - moves_started
        lag_s, missing, total = _lag(
            bench_url, tenant=seeded.tenant_id, since=moves_from, moved_at=moved_at
        )

    exported = _exports(bench_url, seeded.tenant_id)

    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    same = _same(via_app, via_sql) and _same(via_app, via_pushed)
    print(
        harness.table(
            [
                ("report via API p50 (ms)", f"{p50:.1f}"),
                ("report via API p95 (ms)", f"{p95:.1f}"),
                ("bare SQL over transitions (ms)", f"{bare_ms:.1f}"),
                ("the same, period pushed down (ms)", f"{pushed_ms:.1f}"),
                ("ratio (p95 / bare)", f"{p95 / bare_ms:.3f}"),
                ("same numbers", str(same)),
                ("groups (milestone x department)", str(len(via_app))),
                ("moves answered 200", f"{moved:,} / {n_moves:,} in {moves_s:.1f}s"),
                ("stays missing after the lag", f"{missing} of {total:,}"),
                ("read model lag (s)", f"{lag_s:.3f}"),
                ("export rows/s, slower format", f"{exported['export_rows_per_s']:,}"),
                ("export peak memory (MB)", f"{exported['export_peak_rss_mb']:.0f}"),
            ],
            ("measure", "value"),
        )
    )
    summary = {
        "applications": n_apps,
        "transitions": n_apps * TRANSITIONS,
        "period_days": PERIOD.days,
        "report_p50_ms": round(p50, 1),
        "report_p95_ms": round(p95, 1),
        "bare_sql_ms": round(bare_ms, 1),
        "bare_sql_pushdown_ms": round(pushed_ms, 1),
        "ratio": round(p95 / bare_ms, 4),
        "same_numbers": same,
        "lag_s": round(lag_s, 3),
        "moves": moved,
        **exported,
        "seconds": round(time.monotonic() - started),
        "machine": harness.machine(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
