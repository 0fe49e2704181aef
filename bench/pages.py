"""What the board and each list's first page cost as one requisition grows.

    python -m bench.pages [--quick]

Seeds a database of its own (ats_bench_pages) with one tenant and one requisition, grows
it to 1,000, 10,000 and 100,000 active applications (--quick stops at 10,000) with
set-based SQL, and at each size serves, in-process through Django's test client (the whole
view, templates included, no network), 15 requests of: the board, the board filtered to
overdue candidates, the board searched for a candidate, page 1 of the application list,
page 1 of the requisition's applications and page 1 of GET /api/v1/applications. Then, at
each size, a real Chromium (/usr/bin/chromium, driven by Playwright; never a downloaded
browser) signs in to the app served by gunicorn with production settings and loads the
board a few times, reading the navigation timing of each load (DOMContentLoaded and the
end of the load event, from the navigation's start).

It prints each page's median time, its queries and its size, the board's median with
Postgres JIT on (our connections run with it off), Chromium's timings (best and median),
and a last line of JSON: `board_ms`, `board_queries`, `board_kb`, `board_search_ms`,
`board_load_event_ms` and `board_dom_content_loaded_ms` (per size, best and median) and
`<page>_ratio` (the median at the largest size over the one at 1,000; target <= 2).
BENCH_DB_PREFIX keeps its databases apart from other benches run on the same server.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import time

from . import harness
from .harness import say

_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench_pages"
TEMPLATE_DB = f"{_PREFIX}_bench_pages_template"
REQUESTS = 15
PASSWORD = "x" * 16
CHROMIUM = "/usr/bin/chromium"
BROWSER_LOADS = 5  # after one that warms the server and the browser's cache
LOAD_TIMEOUT_MS = 60_000
#: What a recruiter types to find a candidate: a piece of a name (matches a few at any size).
SEARCH = "777"
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
    user = get_user_model().objects.create_user(username="bench-recruiter", password=PASSWORD)
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


_NAVIGATION_TIMING = """() => {
    const n = performance.getEntriesByType("navigation")[0];
    return {load: n.loadEventEnd, dom: n.domContentLoadedEventEnd,
            response: n.responseEnd - n.requestStart, bytes: n.decodedBodySize};
}"""


def _browser_timings(base: str, *, username: str, path: str) -> dict[str, list[float]]:
    """Chromium loads `path` BROWSER_LOADS times, signed in as a person does (the login
    form); each load's navigation timing in ms from its start. A load that does not fire
    its load event within LOAD_TIMEOUT_MS counts as that timeout."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"load": [], "dom": [], "response": [], "bytes": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto("/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/login/" not in url)
            for attempt in range(BROWSER_LOADS + 1):
                try:
                    page.goto(path, wait_until="load", timeout=LOAD_TIMEOUT_MS)
                    # loadEventEnd is set once the load event's handlers have run.
                    page.wait_for_function(
                        "performance.getEntriesByType('navigation')[0].loadEventEnd > 0"
                    )
                    timing = page.evaluate(_NAVIGATION_TIMING)
                except PlaywrightTimeout:
                    timing = page.evaluate(_NAVIGATION_TIMING)
                    timing["load"] = float(LOAD_TIMEOUT_MS)
                if attempt:  # the first warms the server's workers and the static files
                    for key, value in timing.items():
                        timings[key].append(value)
        finally:
            browser.close()
    return timings


def _best_median(samples: list[float]) -> dict[str, float]:
    return {"best": round(min(samples), 1), "median": round(statistics.median(samples), 1)}


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
    board = f"/requisitions/{requisition.pk}/board/"
    pages = {
        "board": board,
        "board_overdue": f"{board}?overdue=on",
        "board_search": f"{board}?q={SEARCH}",
        "application_list": "/applications/",
        "requisition_detail": f"/requisitions/{requisition.pk}/",
        "api_applications": "/api/v1/applications",
    }
    results: dict[str, dict[int, tuple]] = {name: {} for name in pages}
    jit_board: dict[int, float] = {}
    browser: dict[int, dict[str, list[float]]] = {}
    grown = 0
    harness.collect_static()  # the board is a page: its CSS and script, as the image serves them
    with contextlib.ExitStack() as stack:
        server, _ = stack.enter_context(harness.gunicorn(database_url=url, workers=2))
        for size in sizes:
            say(f"growing the requisition to {size:,} applications")
            _grow(
                tenant=tenant,
                requisition=requisition,
                milestones=milestones,
                start=grown,
                stop=size,
            )
            grown = size
            for name, path in pages.items():
                results[name][size] = _measure(client, path)
            jit_board[size] = _measure(client, pages["board"], jit=True)[0]
            say(f"Chromium loads the board at {size:,}")
            browser[size] = _browser_timings(server, username=user.username, path=board)
            say(
                f"load event {_best_median(browser[size]['load'])} ms, DOMContentLoaded "
                f"{_best_median(browser[size]['dom'])} ms"
            )

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
    print(
        harness.table(
            [
                (
                    f"{s:,}",
                    *(
                        f"{min(browser[s][key]):.0f} / {statistics.median(browser[s][key]):.0f}"
                        for key in ("response", "dom", "load")
                    ),
                    f"{statistics.median(browser[s]['bytes']) / 1024:.0f}",
                )
                for s in sizes
            ],
            (
                "applications",
                "Chromium: response ms (best / median)",
                "DOMContentLoaded ms",
                "load event ms",
                "KB",
            ),
        )
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (1 minute)")
    largest, smallest = sizes[-1], sizes[0]
    summary = {
        "board_ms": {str(s): round(results["board"][s][0], 1) for s in sizes},
        "board_jit_on_ms": {str(s): round(jit_board[s], 1) for s in sizes},
        "board_queries": {str(s): results["board"][s][1] for s in sizes},
        "board_kb": {str(s): round(results["board"][s][2] / 1024) for s in sizes},
        "board_overdue_ms": {str(s): round(results["board_overdue"][s][0], 1) for s in sizes},
        "board_search_ms": {str(s): round(results["board_search"][s][0], 1) for s in sizes},
        "board_load_event_ms": {str(s): _best_median(browser[s]["load"]) for s in sizes},
        "board_dom_content_loaded_ms": {str(s): _best_median(browser[s]["dom"]) for s in sizes},
        **{
            f"{name}_ratio": round(by_size[largest][0] / by_size[smallest][0], 2)
            for name, by_size in results.items()
        },
        "load_average": round(os.getloadavg()[0], 1),
        "machine": harness.machine(),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    harness.run_main(main)
