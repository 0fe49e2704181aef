"""How fast the REST API moves applications through milestones, next to cheap baselines.

    python -m bench.transitions [--quick] [--worker-class auto|sync|gthread]

Seeds a database of its own (ats_bench) with one tenant, a published framework of 8
milestones and 100,000 applications (10,000 with --quick), serves the app with gunicorn and
production settings, then drives it with wrk: moves (POST transitions, each application at
most once) and authenticated pings at concurrency 8 and 32, a paced run of moves at half the
measured throughput for latency, and pgbench TPC-B on the same Postgres. The last line of
output is one JSON object; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time

from . import harness
from .harness import WRK_THREADS, IdSlices, say

# BENCH_DB_PREFIX keeps the databases of benches run side by side on one server apart.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench"
TEMPLATE_DB = f"{_PREFIX}_bench_template"
PGBENCH_DB = f"{_PREFIX}_pgbench"
CONCURRENCIES = (8, 32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k applications, short runs")
    # sync is what the image runs (ats_milestones/gunicorn_conf.py); auto tries both first.
    parser.add_argument("--worker-class", choices=("auto", "sync", "gthread"), default="sync")
    parser.add_argument("--applications", type=int, help="override the number of applications")
    args = parser.parse_args(argv)
    started = time.monotonic()
    quick = args.quick
    n_apps = args.applications or (10_000 if quick else 100_000)
    seconds = 3 if quick else 15
    trial_seconds = 2 if quick else 5
    pg_seconds = 3 if quick else 15
    # A p99 needs samples: 3 s at half throughput is ~350 requests, its 4th-worst the p99.
    paced_seconds = max(seconds, 8)

    harness.ensure_wrk()
    harness.ensure_pgbench()
    base_url, bench_url = harness.bench_database(template=TEMPLATE_DB, name=BENCH_DB)

    from .seed import seed, setup_django

    setup_django(bench_url)
    t0 = time.monotonic()
    seeded = seed(applications=n_apps)
    from django.db import connections

    connections.close_all()
    say(
        f"seeded {n_apps} applications x {seeded.milestones} milestones in "
        f"{time.monotonic() - t0:.1f}s"
    )

    ids = IdSlices(seeded.application_ids, harness.RUN_DIR / "ids")
    lua_env = {"BENCH_TOKEN": seeded.token, "BENCH_VERSION": str(seeded.version)}
    options = harness.server_options()

    rate_hint = {"moves_per_s": 1000.0}  # updated after each run; sizes the next id slices
    runs_left = {"n": (2 if args.worker_class == "auto" else 0) + len(CONCURRENCIES) + 1}

    def moves(base: str, connections_: int, secs: float, run: str, rate: float = 0) -> dict:
        # Fresh ids for four times the best rate seen so far, never starving the runs after.
        fair = ids.left // (WRK_THREADS * runs_left["n"])
        per_thread = min(int(4 * rate_hint["moves_per_s"] * secs / WRK_THREADS) + 50, fair)
        runs_left["n"] -= 1
        result = harness.run_wrk_once_each(
            url=base,
            script="moves.lua",
            ids=ids,
            run=run,
            per_thread=per_thread,
            connections=connections_,
            seconds=secs,
            env=lua_env,
            rate=rate,
        )
        if not rate:
            rate_hint["moves_per_s"] = max(result["rps"], 50.0)
        return result

    def ping(base: str, connections_: int, secs: float) -> dict:
        return harness.run_get(
            url=base + "/api/v1/ping", connections=connections_, seconds=secs, env=lua_env
        )

    results: dict = {}
    with contextlib.ExitStack() as stack:
        choice = args.worker_class
        if choice == "auto":
            trial = {}
            for name, option in options.items():
                base = harness.serve(stack, database_url=bench_url, token=seeded.token, **option)
                trial[name] = moves(base, 8, trial_seconds, f"trial-{name}")["rps"]
                say(f"trial {name}: {trial[name]:.0f} moves/s")
                stack.close()
            choice = max(trial, key=trial.get)
            results["worker_trial_moves_per_s"] = {k: round(v, 1) for k, v in trial.items()}
        option = options[choice]
        results["server"] = option
        base = harness.serve(stack, database_url=bench_url, token=seeded.token, **option)
        for c in CONCURRENCIES:
            results[f"moves_c{c}"] = moves(base, c, seconds, f"c{c}")
            results[f"ping_c{c}"] = ping(base, c, seconds)
            say(
                f"c={c}: {results[f'moves_c{c}']['rps']:.0f} moves/s, "
                f"{results[f'ping_c{c}']['rps']:.0f} pings/s"
            )
        best = max((results[f"moves_c{c}"] for c in CONCURRENCIES), key=lambda r: r["rps"])
        best_ping = max((results[f"ping_c{c}"] for c in CONCURRENCIES), key=lambda r: r["rps"])
        # Paced: open-loop schedule at half the best throughput, 8 connections.
        target = best["rps"] / 2
        paced_c = 8
        paced = moves(base, paced_c, paced_seconds, "paced", rate=target)
        paced["target_rps"] = target
        results["paced"] = paced
        say(
            f"paced at {paced['rps']:.0f}/s (target {target:.0f}): "
            f"p50 {paced['p50_us'] / 1000:.1f} ms, p99 {paced['p99_us'] / 1000:.1f} ms"
        )
        stack.close()  # stop gunicorn before pgbench so they do not share the CPU

        tps = harness.pgbench_tps(
            url=base_url,
            dbname=PGBENCH_DB,
            scale=10,
            clients=8,
            jobs=2,
            seconds=pg_seconds,
            initialise=not quick,
        )

    errors = sum(
        results[k]["non2xx"] + results[k]["socket_errors"]
        for k in results
        if k.startswith(("moves_", "ping_", "paced"))
    )
    rows = []
    for c in CONCURRENCIES:
        for kind in ("moves", "ping"):
            r = results[f"{kind}_c{c}"]
            rows.append(
                (
                    f"{kind} POST" if kind == "moves" else "ping GET",
                    c,
                    f"{r['rps']:.0f}",
                    f"{r['p50_us'] / 1000:.1f}",
                    f"{r['p99_us'] / 1000:.1f}",
                    r["non2xx"],
                    r["socket_errors"],
                )
            )
    rows.append(
        (
            "moves paced",
            paced_c,
            f"{paced['rps']:.0f}",
            f"{paced['p50_us'] / 1000:.1f}",
            f"{paced['p99_us'] / 1000:.1f}",
            paced["non2xx"],
            paced["socket_errors"],
        )
    )
    rows.append(("pgbench TPC-B", 8, f"{tps:.0f}", "", "", "", ""))
    print()
    print(f"machine:  {harness.machine()}; Postgres {harness.server_version(bench_url)}")
    print(f"data:     {n_apps} applications x {seeded.milestones} milestones, one tenant")
    print(
        f"server:   gunicorn {option['worker_class']} workers={option['workers']} "
        f"threads={option['threads']}, production settings, DB pool on"
    )
    if "worker_trial_moves_per_s" in results:
        print(f"trial:    moves/s at c=8 {results['worker_trial_moves_per_s']}")
    print()
    print(harness.table(rows, ("what", "conc", "req/s", "p50 ms", "p99 ms", "non-2xx", "sock err")))
    print()
    moves_per_s = best["rps"]
    ping_per_s = best_ping["rps"]
    summary = {
        "bench": "transitions",
        "quick": quick,
        "applications": n_apps,
        "moves_per_s": round(moves_per_s, 1),
        "p50_ms": round(paced["p50_us"] / 1000, 2),
        "p99_ms": round(paced["p99_us"] / 1000, 2),
        "paced_per_s": round(paced["rps"], 1),
        "ping_per_s": round(ping_per_s, 1),
        "pgbench_tps": round(tps, 1),
        "ratio": round(moves_per_s / ping_per_s, 3),
        "ratio_pgbench": round(moves_per_s / tps, 3),
        "errors": errors,
        "worker_class": option["worker_class"],
        "workers": option["workers"],
        "threads": option["threads"],
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    for c in CONCURRENCIES:
        for kind in ("moves", "ping"):
            r = results[f"{kind}_c{c}"]
            summary[f"{kind}_c{c}_per_s"] = round(r["rps"], 1)
            summary[f"{kind}_c{c}_p50_ms"] = round(r["p50_us"] / 1000, 2)
            summary[f"{kind}_c{c}_p99_ms"] = round(r["p99_us"] / 1000, 2)
            summary[f"{kind}_c{c}_errors"] = r["non2xx"] + r["socket_errors"]
    if errors:
        say(f"{errors} requests failed (non-2xx or socket errors); see the table")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    harness.run_main(main)
