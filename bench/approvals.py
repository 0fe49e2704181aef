"""How fast approvers decide through the REST API, next to the authenticated ping.

    python -m bench.approvals [--quick] [--rounds N]

Seeds a database of its own with one tenant and 10,000 open offer approvals over a
three-step policy (hiring manager, HRBP, department head): one offer and one round made by
the services, then cloned by set-based SQL (offers, versions, rounds, steps, assignments,
step clocks). Serves the app with gunicorn and production settings and drives it with wrk:
decisions (POST /api/v1/approval_requests/{id}/decisions with If-Match, as an API client
naming the hiring manager in acting_user; each round decided once), the framework's ceiling
(bench.ceiling: the same authenticated POST to a bare DRF endpoint that locks one row and
writes four) and pings at concurrency 8, then decisions paced at half the measured peak for
latency. In the same run:
"My approvals" of a user with 1,000 pending items, at concurrency 1, over the API (GET
/api/v1/approvals/pending) and as the page (GET /approvals/, signed in by a session made
for the run). The last line of output is one JSON object; see docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import time
from dataclasses import dataclass

from . import harness
from .harness import WRK_THREADS, IdSlices, say

_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_approvals_bench"
TEMPLATE_DB = f"{_PREFIX}_approvals_bench_template"
CONCURRENCY = 8
MINE = 1_000  # pending items of the "My approvals" user
WARM_SECONDS = 2
WARM_IDS = 400  # rounds (and ceiling rows) spent on warming each side


@dataclass(frozen=True)
class SeededApprovals:
    token: str
    approver_id: int  # step 1's approver of every round but MINE of them
    mine_user_id: int  # step 1's approver of MINE rounds
    mine_session: str  # a signed-in session of that user (the page)
    round_ids: list[str]  # the rounds the hiring manager decides
    version: int


def _clone_sql(model, overrides: dict[str, str], source: str) -> str:
    """bench.seed's INSERT ... SELECT with quoted columns (a step has a `group`)."""
    columns = [f.column for f in model._meta.concrete_fields]
    select = [overrides.get(c, f't."{c}"') for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {model._meta.db_table} ({quoted}) SELECT {', '.join(select)} FROM {source}"


def _seed_approvals(rounds: int) -> SeededApprovals:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from approvals.models import (
        ApprovalAssignment,
        ApprovalRound,
        ApprovalStep,
        ApprovalStepClock,
        Offer,
        OfferVersion,
    )
    from approvals.services import (
        approval_policy_create,
        approval_request,
        offer_create,
        subject_of_offer,
    )
    from recruiting.models import Application, Requisition
    from tenants.actors import SYSTEM
    from tenants.context import all_tenants_context, tenant_context
    from tenants.models import Department, Membership, Role, Tenant

    from .seed import seed

    seeded = seed(applications=rounds)
    tenant = Tenant.objects.get(slug="bench")
    users = get_user_model().objects
    people = {
        name: users.create_user(username=f"bench-{name}", password="bench-pw-123456")
        for name in ("hm", "hrbp", "head", "mine")
    }
    roles = {"hm": Role.HIRING_MANAGER, "hrbp": Role.HRBP, "head": Role.HIRING_MANAGER}
    with all_tenants_context(), transaction.atomic():
        for name, person in people.items():
            Membership.all_tenants.create(
                tenant=tenant, user=person, role=roles.get(name, Role.HIRING_MANAGER)
            )
        Department.all_tenants.filter(tenant=tenant).update(head=people["head"])
        Requisition.all_tenants.filter(tenant=tenant).update(
            hiring_manager=people["hm"], salary_band_currency="USD"
        )
        template_app = Application.all_tenants.get(tenant=tenant, candidate__first_name="Template")
    steps = [
        {"name": "Hiring manager", "approvers": [{"role": "hiring_manager"}]},
        {"name": "HRBP", "approvers": [{"role": "hrbp"}]},
        {"name": "Department head", "approvers": [{"role": "department_head"}]},
    ]
    with tenant_context(tenant), transaction.atomic():
        approval_policy_create(actor=SYSTEM, name="Offers", subject_kind="offer", steps=steps)
        offer = offer_create(
            application=template_app,
            actor=SYSTEM,
            title="Engineer",
            salary_amount="120000",
            salary_currency="USD",
        )
        template_round = approval_request(subject=subject_of_offer(offer), actor=SYSTEM)
    bench_apps = (
        f"{Application._meta.db_table} a WHERE a.tenant_id = '{tenant.pk}' "
        f"AND a.id <> '{template_app.pk}'"
    )

    def uid(tag: str, *parts: str) -> str:
        return "md5('" + tag + "' || " + " || ".join(f"{p}::text" for p in parts) + ")::uuid"

    offer_id, round_id = uid("o", "a.id"), uid("r", "a.id")
    clones = [
        (
            Offer,
            {"id": offer_id, "application_id": "a.id"},
            f"{Offer._meta.db_table} t, {bench_apps} AND t.id = '{offer.pk}'",
        ),
        (
            OfferVersion,
            {"id": uid("ov", "a.id"), "offer_id": offer_id},
            f"{OfferVersion._meta.db_table} t, {bench_apps} AND t.offer_id = '{offer.pk}'",
        ),
        (
            ApprovalRound,
            {
                "id": round_id,
                "subject_key": f"'offer:' || {offer_id}::text",
                "requisition_id": "a.requisition_id",
                "application_id": "a.id",
                "offer_id": offer_id,
                "offer_version_id": uid("ov", "a.id"),
            },
            f"{ApprovalRound._meta.db_table} t, {bench_apps} AND t.id = '{template_round.pk}'",
        ),
        (
            ApprovalStep,
            {"id": uid("s", "a.id", "t.id"), "round_id": round_id},
            f"{ApprovalStep._meta.db_table} t, {bench_apps} AND t.round_id = '{template_round.pk}'",
        ),
        (
            ApprovalAssignment,
            {
                "id": uid("as", "a.id", "t.id"),
                "step_id": uid("s", "a.id", "t.step_id"),
                "round_id": round_id,
            },
            f"{ApprovalAssignment._meta.db_table} t, {bench_apps} AND t.round_id = "
            f"'{template_round.pk}'",
        ),
        (
            ApprovalStepClock,
            {"id": uid("c", "a.id", "t.id"), "step_id": uid("s", "a.id", "t.step_id")},
            f"{ApprovalStepClock._meta.db_table} t, {bench_apps} AND t.step_id IN (SELECT id "
            f"FROM {ApprovalStep._meta.db_table} WHERE round_id = '{template_round.pk}')",
        ),
    ]
    assignments = ApprovalAssignment._meta.db_table
    with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
        for model, overrides, source in clones:
            cursor.execute(_clone_sql(model, overrides, source))
        # MINE rounds' first step belongs to the "My approvals" user instead.
        cursor.execute(
            f"""
            UPDATE {assignments} SET approver_id = %s WHERE id IN (
              SELECT x.id FROM {assignments} x
              JOIN {ApprovalStep._meta.db_table} s ON s.id = x.step_id AND s.status = 'due'
              WHERE x.tenant_id = %s AND x.round_id <> %s ORDER BY x.round_id LIMIT %s)
            """,
            [people["mine"].pk, tenant.pk, template_round.pk, MINE],
        )
        cursor.execute(
            f"""
            SELECT x.round_id::text FROM {assignments} x
            JOIN {ApprovalStep._meta.db_table} s ON s.id = x.step_id AND s.status = 'due'
            WHERE x.tenant_id = %s AND x.approver_id = %s AND x.round_id <> %s
            ORDER BY random()
            """,
            [tenant.pk, people["hm"].pk, template_round.pk],
        )
        round_ids = [row[0] for row in cursor.fetchall()]
    with connection.cursor() as cursor:
        for model in (Offer, OfferVersion, ApprovalRound, ApprovalStep, ApprovalAssignment):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        cursor.execute("ANALYZE")
    return SeededApprovals(
        token=seeded.token,
        approver_id=people["hm"].pk,
        mine_user_id=people["mine"].pk,
        mine_session=_signed_in_session(people["mine"], tenant),
        round_ids=round_ids,
        version=template_round.version,
    )


def _signed_in_session(user, tenant) -> str:
    """A session key of `user` signed in to `tenant`, as a sign-in leaves it (the server
    runs with this process's secret key, so it reads it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tenants.middleware import SESSION_TENANT_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SESSION_TENANT_KEY] = str(tenant.pk)
    session.create()
    return session.session_key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs (same 10,000 rounds)")
    parser.add_argument("--rounds", type=int, default=10_000, help="open offer approvals")
    args = parser.parse_args(argv)
    started = time.monotonic()
    seconds = 4 if args.quick else 15
    paced_seconds = 8 if args.quick else 20
    mine_seconds = 3 if args.quick else 10

    harness.ensure_wrk()
    _, bench_url = harness.bench_database(template=TEMPLATE_DB, name=BENCH_DB)
    # Sessions made here are read by the server: both sign with this key.
    secret_key = os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)

    from .seed import setup_django

    setup_django(bench_url)
    t0 = time.monotonic()
    seeded = _seed_approvals(args.rounds + 1)  # one application is the template
    from django.conf import settings
    from django.db import connections

    from .ceiling import ceiling_tables_create

    ceiling_ids = IdSlices(ceiling_tables_create(rows=args.rounds), harness.RUN_DIR / "ceiling")
    connections.close_all()
    say(f"seeded {args.rounds} open approval rounds in {time.monotonic() - t0:.1f}s")

    ids = IdSlices(seeded.round_ids, harness.RUN_DIR / "approval-ids")
    lua_env = {
        "BENCH_TOKEN": seeded.token,
        "BENCH_VERSION": str(seeded.version),
        "BENCH_APPROVER": str(seeded.approver_id),
    }
    page_env = {"BENCH_COOKIE": f"{settings.SESSION_COOKIE_NAME}={seeded.mine_session}"}
    option = harness.server_options()["sync"]

    def decisions(
        base: str, secs: float, run: str, share: int, rate: float = 0, ceiling: bool = False
    ) -> dict:
        return harness.run_wrk_once_each(
            url=base,
            script="ceiling.lua" if ceiling else "decisions.lua",
            ids=ceiling_ids if ceiling else ids,
            run=run,
            per_thread=share // WRK_THREADS,
            connections=CONCURRENCY,
            seconds=secs,
            env=lua_env,
            rate=rate,
        )

    def get(url: str, secs: float, connections_: int, env: dict) -> dict:
        return harness.run_get(url=url, connections=connections_, seconds=secs, env=env)

    harness.collect_static()  # My approvals is a page
    with contextlib.ExitStack() as stack:
        base = harness.serve(
            stack, database_url=bench_url, token=seeded.token, secret_key=secret_key, **option
        )
        # Each side warmed on its own path first (the server was warmed with pings only):
        # a fresh worker's first decisions import modules, build cached SQL and prepare
        # statements on each pooled connection, and the peak run, first, paid for all of it.
        decisions(base, WARM_SECONDS, "warm", share=WARM_IDS)
        decisions(base, WARM_SECONDS, "ceiling-warm", share=WARM_IDS, ceiling=True)
        peak = decisions(base, seconds, "peak", share=ids.left // 2)
        ceiling = decisions(base, seconds, "ceiling", share=ceiling_ids.left, ceiling=True)
        ping = get(base + "/api/v1/ping", seconds, CONCURRENCY, lua_env)
        say(
            f"c={CONCURRENCY}: {peak['rps']:.0f} decisions/s, {ceiling['rps']:.0f} ceiling "
            f"writes/s, {ping['rps']:.0f} pings/s"
        )
        target = peak["rps"] / 2
        paced = decisions(base, paced_seconds, "paced", share=ids.left, rate=target)
        paced["target_rps"] = target
        say(
            f"paced at {paced['rps']:.0f}/s (target {target:.0f}): "
            f"p50 {paced['p50_us'] / 1000:.1f} ms, p99 {paced['p99_us'] / 1000:.1f} ms"
        )
        pending = f"{base}/api/v1/approvals/pending?user={seeded.mine_user_id}"
        mine = get(pending, mine_seconds, 1, lua_env)
        say(f"My approvals over the API ({MINE} pending): p50 {mine['p50_us'] / 1000:.1f} ms")
        page = get(base + "/approvals/", mine_seconds, 1, page_env)
        say(f"My approvals page ({MINE} pending): p50 {page['p50_us'] / 1000:.1f} ms")

    runs = {
        "decisions c8": peak,
        "ceiling c8": ceiling,
        "ping c8": ping,
        "decisions paced": paced,
        "my approvals API": mine,
        "my approvals page": page,
    }
    errors = sum(r["non2xx"] + r["socket_errors"] for r in runs.values())
    rows = [
        (
            name,
            1 if name.startswith("my approvals") else CONCURRENCY,
            f"{r['rps']:.0f}",
            f"{r['p50_us'] / 1000:.1f}",
            f"{r['p90_us'] / 1000:.1f}",
            f"{r['p99_us'] / 1000:.1f}",
            r["non2xx"],
            r["socket_errors"],
        )
        for name, r in runs.items()
    ]
    print()
    print(f"machine:  {harness.machine()}; Postgres {harness.server_version(bench_url)}")
    print(f"load:     {os.getloadavg()[0]:.1f} (1-minute average at the end of the run)")
    print(f"data:     {args.rounds} open offer approvals, 3-step policy, one tenant")
    print(f"server:   gunicorn sync workers={option['workers']}, production settings")
    print()
    headers = ("what", "conc", "req/s", "p50 ms", "p90 ms", "p99 ms", "non-2xx", "sock err")
    print(harness.table(rows, headers))
    print()
    summary = {
        "bench": "approvals",
        "quick": args.quick,
        "rounds": args.rounds,
        "decisions_per_s": round(peak["rps"], 1),
        "ping_per_s": round(ping["rps"], 1),
        "ratio": round(peak["rps"] / ping["rps"], 3),
        "ceiling_per_s": round(ceiling["rps"], 1),
        "ratio_vs_ceiling": round(peak["rps"] / ceiling["rps"], 3),
        "p50_ms": round(paced["p50_us"] / 1000, 2),
        "p99_ms": round(paced["p99_us"] / 1000, 2),
        "paced_per_s": round(paced["rps"], 1),
        "my_approvals_items": MINE,
        "my_approvals_p50_ms": round(mine["p50_us"] / 1000, 2),
        "my_approvals_p95_ms": round(mine["p95_us"] / 1000, 2),
        "my_approvals_p99_ms": round(mine["p99_us"] / 1000, 2),
        "my_approvals_page_p50_ms": round(page["p50_us"] / 1000, 2),
        "my_approvals_page_p95_ms": round(page["p95_us"] / 1000, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "errors": errors,
        "elapsed_s": round(time.monotonic() - started, 1),
    }
    if errors:
        say(f"{errors} requests failed (non-2xx or socket errors); see the table")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    harness.run_main(main)
