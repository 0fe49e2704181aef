"""What the board and each list's first page cost as one requisition grows.

    python -m bench.pages [--quick]

Seeds a database of its own (ats_bench_pages) with one tenant and one requisition, grows
it to 1,000, 10,000 and 100,000 active applications (--quick stops at 10,000) with
set-based SQL, and at each size serves, in-process through Django's test client (the whole
view, templates included, no network), 15 requests of: the board, the board filtered to
overdue candidates, page 1 of the application list, page 1 of the requisition's
applications and page 1 of GET /api/v1/applications. It prints each page's median time,
its queries and its size, the board's median with Postgres JIT on (our connections run
with it off), and a last line of JSON: `board_ms`, `board_queries`, `board_kb` and
`<page>_ratio` (the median at the largest size over the one at 1,000; target <= 2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from . import harness
from .harness import say

BENCH_DB = "ats_bench_pages"
TEMPLATE_DB = "ats_bench_pages_template"
REQUESTS = 15
MILESTONES = ("APPLIED", "SCREEN", "PHONE_SCREEN", "ASSESSMENT", "INTERVIEW", "OFFER", "HIRED")


def _setup():
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from milestones.models import Framework as FrameworkModel
    from milestones.models import FrameworkVersion, MilestoneDefinition, TerminalKind
    from recruiting.models import Requisition
    from tenants.context import all_tenants_context
    from tenants.models import Department, Membership, RequisitionType, Role, Tenant

    tenant = Tenant.objects.create(slug="pages", name="Pages Corp")
    user = get_user_model().objects.create_user(username="bench-recruiter", password="x" * 16)
    with all_tenants_context(), transaction.atomic():
        Membership.all_tenants.create(tenant=tenant, user=user, role=Role.RECRUITER)
        rtype = RequisitionType.all_tenants.create(tenant=tenant, code="ENG", name="Engineering")
        department = Department.all_tenants.create(tenant=tenant, code="D1", name="R&D")
        framework = FrameworkModel.all_tenants.create(tenant=tenant, name="Standard hiring")
        version = FrameworkVersion.all_tenants.create(
            tenant=tenant, framework=framework, number=1, status="active"
        )
        milestones = [
            MilestoneDefinition.all_tenants.create(
                tenant=tenant,
                version=version,
                code=code,
                name=code.replace("_", " ").title(),
                order=order,
                mandatory=False,
                terminal_kind=TerminalKind.HIRED if code == "HIRED" else TerminalKind.NONE,
            )
            for order, code in enumerate(MILESTONES, start=1)
        ]
        requisition = Requisition.all_tenants.create(
            tenant=tenant,
            title="Backend engineer",
            requisition_type=rtype,
            department=department,
            framework_version=version,
            recruiter=user,
        )
    return tenant, user, requisition, milestones


def _grow(*, tenant, requisition, milestones, start: int, stop: int) -> None:
    """Applications start..stop-1: a candidate each, spread over the milestones, each one
    active on its milestone (a tenth of them overdue), in three INSERT ... SELECTs."""
    from django.db import connection, transaction

    from tenants.context import all_tenants_context

    ids = "ARRAY[" + ",".join(f"'{m.pk}'::uuid" for m in milestones[:-1]) + "]"
    milestone_of_g = f"({ids})[1 + g % {len(milestones) - 1}]"
    series = f"generate_series({start}, {stop - 1}) AS g"
    tid, rid = f"'{tenant.pk}'::uuid", f"'{requisition.pk}'::uuid"
    with all_tenants_context(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO recruiting_candidate (id, tenant_id, external_id, first_name, last_name,"
            " email, phone, location, created_at, updated_at)"
            f" SELECT md5('c' || g)::uuid, {tid}, '', 'Bench', 'Candidate ' || g,"
            f" 'c' || g || '@example.com', '', '', now(), now() FROM {series}"
        )
        cursor.execute(
            "INSERT INTO recruiting_application (id, tenant_id, candidate_id, requisition_id,"
            " external_id, source, hire_type, status, reject_reason, applied_at,"
            " current_milestone_id, version, created_at, updated_at)"
            f" SELECT md5('a' || g)::uuid, {tid}, md5('c' || g)::uuid, {rid}, '', 'external',"
            " 'standard', 'active', '', now() - g * interval '1 minute',"
            f" {milestone_of_g}, 1, now() - g * interval '1 minute', now() FROM {series}"
        )
        cursor.execute(
            "INSERT INTO milestones_applicationmilestone (id, tenant_id, application_id,"
            " milestone_id, requisition_id, state, entered_at, completed_at, due_at,"
            " escalation_level, escalates_at, overdue_since, created_at, updated_at)"
            f" SELECT md5('m' || g)::uuid, {tid}, md5('a' || g)::uuid, {milestone_of_g}, {rid},"
            " 'active', now() - interval '2 days', NULL,"
            " CASE WHEN g % 10 = 0 THEN now() - interval '1 hour' END, 0, NULL, NULL, now(), now()"
            f" FROM {series}"
        )
        cursor.execute("ANALYZE")


def _measure(client, path: str, *, jit: bool = False) -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as cursor:
        cursor.execute(f"SET jit = {'on' if jit else 'off'}")
    client.get(path)  # warm
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    return statistics.median(times), len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 applications")
    args = parser.parse_args()
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)

    base = harness.base_database_url()
    template = harness.migrated_template(base, TEMPLATE_DB)
    url = harness.recreate_database(base, BENCH_DB, template=template)
    from .seed import setup_django

    setup_django(url)
    from django.test import Client

    tenant, user, requisition, milestones = _setup()
    client = Client()
    client.force_login(user)
    pages = {
        "board": f"/requisitions/{requisition.pk}/board/",
        "board_overdue": f"/requisitions/{requisition.pk}/board/?overdue=on",
        "application_list": "/applications/",
        "requisition_detail": f"/requisitions/{requisition.pk}/",
        "api_applications": "/api/v1/applications",
    }
    results: dict[str, dict[int, tuple]] = {name: {} for name in pages}
    jit_board: dict[int, float] = {}
    grown = 0
    for size in sizes:
        say(f"growing the requisition to {size:,} applications")
        _grow(tenant=tenant, requisition=requisition, milestones=milestones, start=grown, stop=size)
        grown = size
        for name, path in pages.items():
            results[name][size] = _measure(client, path)
        jit_board[size] = _measure(client, pages["board"], jit=True)[0]

    rows = [
        (name, f"{size:,}", f"{ms:.1f}", queries, f"{length / 1024:.0f}")
        for name, by_size in results.items()
        for size, (ms, queries, length) in by_size.items()
    ]
    print(harness.table(rows, ("page", "applications", "median ms", "queries", "KB")))
    print(
        harness.table(
            [(f"{s:,}", f"{results['board'][s][0]:.1f}", f"{jit_board[s]:.1f}") for s in sizes],
            ("applications", "board ms (jit off)", "board ms (jit on)"),
        )
    )
    largest, smallest = sizes[-1], sizes[0]
    summary = {
        "board_ms": {str(s): round(results["board"][s][0], 1) for s in sizes},
        "board_jit_on_ms": {str(s): round(jit_board[s], 1) for s in sizes},
        "board_queries": {str(s): results["board"][s][1] for s in sizes},
        "board_kb": {str(s): round(results["board"][s][2] / 1024) for s in sizes},
        **{
            f"{name}_ratio": round(by_size[largest][0] / by_size[smallest][0], 2)
            for name, by_size in results.items()
        },
        "machine": harness.machine(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
