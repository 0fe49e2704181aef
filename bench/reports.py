"""Reports over a big history: the read model against the naive query, and its lag.

    python -m bench.reports [--quick] [--keep-seed]

Seeds a database of its own ({prefix}_bench_reports) with one tenant: 1,000,000
applications (--quick: 10,000) over 200 requisitions in 10 departments, each with 10
transitions (10,000,000; set-based, generate_series) through 8 milestones over two years,
one regression each, two in five hired, one in five rejected, the rest still open; and
their stays (the read model as the moves leave it; bench.reports_seed). Seeding the full
size takes about 20 minutes: `--keep-seed` keeps the history for the next run of the same
size, which copies it instead (its times are those of the day it was seeded). In the same
run:

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

from . import harness, reports_seed
from .harness import say

# BENCH_DB_PREFIX keeps the databases of benches run side by side on one server apart.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench_reports"
TEMPLATE_DB = f"{_PREFIX}_bench_reports_template"
REQUESTS = 20
PERIOD = timedelta(days=30)
MOVE_THREADS = 8

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
    parser.add_argument(
        "--keep-seed",
        action="store_true",
        help="keep the seeded history for the next run of this size, or copy the kept one",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    n_apps = args.applications or (10_000 if args.quick else 1_000_000)
    n_moves = 500 if args.quick else 10_000

    bench_url, seeded, seed_s = reports_seed.history(
        harness.base_database_url(),
        bench_db=BENCH_DB,
        template_db=TEMPLATE_DB,
        applications=n_apps,
        moves=n_moves,
        keep=args.keep_seed,
    )

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
        "transitions": n_apps * reports_seed.TRANSITIONS,
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
        "seed_s": round(seed_s),
        "seconds": round(time.monotonic() - started),
        "machine": harness.machine(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
