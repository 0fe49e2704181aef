"""How fast one relay worker delivers outbox events, next to a bare loop of the same client.

    python -m bench.relay [--quick] [--events N]

Seeds a database of its own (ats_bench_relay) with one tenant, one webhook connection to a
loopback sink (a minimal HTTP/1.1 server answering 200 that counts webhook-ids) and N
undispatched outbox events (10,000; 3,000 with --quick) over N/10 applications, so the
order per application is in play. Then, in one run:

1. bare: the relay's own HTTP client posts the same signed payloads in a plain loop;
2. relay: one Celery worker (solo pool, production settings) dispatches and delivers all;
3. relay with faults: the same again with the worker SIGKILLed twice (at ~30% and ~60%)
   and restarted at once.

The last line is one JSON object: deliveries_per_s, bare_per_s, ratio, lost, duplicates,
and the killed run's figures. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.server
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from . import harness
from .harness import say

ROOT = Path(__file__).resolve().parent.parent
# BENCH_DB_PREFIX keeps the databases of benches run side by side on one server apart.
_PREFIX = os.environ.get("BENCH_DB_PREFIX", "ats")
BENCH_DB = f"{_PREFIX}_bench_relay"
TEMPLATE_DB = f"{_PREFIX}_bench_template"


# -- the sink -------------------------------------------------------------------------------


def sink_main(port: int) -> None:
    counts: dict[str, int] = {}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed ACK)

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            msg_id = self.headers.get("webhook-id", "")
            with lock:
                counts[msg_id] = counts.get(msg_id, 0) + 1
            self._reply(b"{}")

        def do_GET(self):  # noqa: N802
            with lock:
                if self.path == "/reset":
                    counts.clear()
                body = json.dumps({"total": sum(counts.values()), "unique": len(counts)})
            self._reply(body.encode())

        def _reply(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a killed worker's half-sent request: expected in the fault run

    Server(("127.0.0.1", port), Handler).serve_forever()


def _stats(port: int, path: str = "/stats") -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return json.loads(response.read())


# -- seeding (Django in this process, production settings) ----------------------------------


def _django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _seed(events: int, sink_url: str) -> tuple[list[dict], list[str]]:
    """The tenant, the connection, `events` undispatched outbox events; their payloads and
    the connection's signing secrets (for the bare loop)."""
    from django.db import connection

    from integrations.services.connections import connection_create
    from integrations.services.signing import signing_secrets
    from tenants.actors import SYSTEM
    from tenants.context import all_tenants_context, tenant_context
    from tenants.models import Tenant

    with all_tenants_context():
        tenant = Tenant.objects.create(slug="bench", name="Bench")
    with tenant_context(tenant):
        created, _ = connection_create(
            tenant_id=tenant.pk,
            actor=SYSTEM,
            values={"name": "Sink", "kind": "webhook", "endpoint_url": sink_url, "timeout_s": 10},
        )
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO integrations_outboxevent
              (tenant_id, created_at, event_id, event_type, ordering_key, payload, occurred_at)
            SELECT %s, now(), gen_random_uuid(), 'milestone.moved', a.key,
                   jsonb_build_object('type', 'milestone.moved', 'timestamp', now(),
                     'data', jsonb_build_object('application_id', a.key, 'n', g)),
                   now()
            FROM generate_series(1, %s) g
            JOIN (SELECT i, gen_random_uuid() AS key FROM generate_series(0, %s) i) a
              ON a.i = g %% %s
            """,
            [tenant.pk, events, max(1, events // 10) - 1, max(1, events // 10)],
        )
        cursor.execute("SELECT payload FROM integrations_outboxevent ORDER BY id")
        payloads = [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in cursor]
    return payloads, signing_secrets(created)


def _reset_outbox() -> None:
    from django.db import connection

    from tenants.context import all_tenants_context

    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM integrations_deliveryattempt")
        cursor.execute("DELETE FROM integrations_delivery")
        cursor.execute("UPDATE integrations_outboxevent SET dispatched_at = NULL")


# -- the runs -------------------------------------------------------------------------------


def _bare(payloads: list[dict], secrets_: list[str], url: str) -> float:
    from django.utils import timezone

    from integrations.services.http import HttpClient
    from integrations.services.signing import signed_headers

    client = HttpClient()
    started = time.perf_counter()
    for n, payload in enumerate(payloads):
        body = json.dumps(payload, separators=(",", ":"))
        headers = signed_headers(secrets_, msg_id=f"msg_bare_{n}", body=body, now=timezone.now())
        client.post(url, body=body.encode(), headers=headers, timeout_s=10)
    return len(payloads) / (time.perf_counter() - started)


def _worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ats_milestones",
            "worker",
            "-P",
            "solo",
            "-Q",
            "integrations",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kick(env: dict) -> subprocess.Popen:
    """Queue one relay task, in the background: a `celery call` takes 1-3 s to start on a
    loaded machine, and waiting for it made the run's polls (its clock and its kills) that
    far apart."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ats_milestones",
            "call",
            "integrations.tasks.integrations_relay_task",
            "--queue",
            "integrations",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _relay(events: int, port: int, env: dict, log, *, kills: tuple[float, ...] = ()) -> dict:
    """Kick the worker (as beat would, every 2 s) until every event arrived. The clock
    starts at the first delivery: a worker's boot is not the relay's speed."""
    _stats(port, "/reset")
    worker = _worker(env, log)
    started = None
    last_kick = 0.0
    pending_kills = list(kills)
    kicks: list[subprocess.Popen] = []
    try:
        while True:
            now = time.perf_counter()
            if now - last_kick > 2:
                kicks = [k for k in kicks if k.poll() is None] + [_kick(env)]
                last_kick = now
            got = _stats(port)
            if started is None:
                if not got["total"]:
                    time.sleep(0.05)
                    continue
                started = time.perf_counter()
            if pending_kills and got["unique"] >= pending_kills[0] * events:
                pending_kills.pop(0)
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
                say(f"killed the worker at {got['unique']} deliveries; starting another")
                worker = _worker(env, log)
                last_kick = 0.0
            if got["unique"] >= events:
                break
            if now - started > 600:
                say("gave up after 600 s")
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for kick in kicks:
            kick.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    got = _stats(port)
    return {
        "per_s": round(got["unique"] / elapsed, 1),
        "lost": events - got["unique"],
        "duplicates": got["total"] - got["unique"],
        "elapsed_s": round(elapsed, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3,000 events")
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--sink", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sink:
        sink_main(args.sink)
        return 0
    events = args.events or (3000 if args.quick else 10_000)
    run_started = time.perf_counter()
    base_url = harness.base_database_url()
    harness.migrated_template(base_url, TEMPLATE_DB)
    bench_url = harness.recreate_database(base_url, BENCH_DB, template=TEMPLATE_DB)
    port = harness.free_port()
    sink = subprocess.Popen([sys.executable, "-m", "bench.relay", "--sink", str(port)], cwd=ROOT)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "INTEGRATIONS_SECRET_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "INTEGRATIONS_ENDPOINT_ALLOWLIST": "127.0.0.1/32",
        "INTEGRATIONS_RELAY_KICK": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": bench_url,
        "DATABASE_POOL": "false",
        "LOG_LEVEL": "WARNING",
    }
    if not env.get("CELERY_BROKER_URL") and not env.get("REDIS_URL"):
        env["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    log_path = harness.RUN_DIR / "bench-relay-worker.log"
    harness.RUN_DIR.mkdir(parents=True, exist_ok=True)
    try:
        time.sleep(0.5)
        _django(env)
        sink_url = f"http://127.0.0.1:{port}/hooks"
        payloads, signing = _seed(events, sink_url)
        say(f"seeded {events} outbox events over {max(1, events // 10)} applications")
        _stats(port, "/reset")
        bare = _bare(payloads, signing, sink_url)
        say(f"bare loop: {bare:.0f} posts/s")
        with log_path.open("ab") as log:
            relay = _relay(events, port, env, log)
            say(
                f"relay: {relay['per_s']:.0f} deliveries/s, lost {relay['lost']}, "
                f"duplicates {relay['duplicates']}"
            )
            _reset_outbox()
            killed = _relay(events, port, env, log, kills=(0.3, 0.6))
            say(
                f"relay, worker killed twice: {killed['per_s']:.0f} deliveries/s, lost "
                f"{killed['lost']}, duplicates {killed['duplicates']}"
            )
    finally:
        sink.terminate()
        sink.wait()
    result = {
        "bench": "relay",
        "quick": args.quick,
        "events": events,
        "deliveries_per_s": relay["per_s"],
        "bare_per_s": round(bare, 1),
        "ratio": round(relay["per_s"] / bare, 3) if bare else None,
        "lost": relay["lost"],
        "duplicates": relay["duplicates"],
        "killed_deliveries_per_s": killed["per_s"],
        "killed_lost": killed["lost"],
        "killed_duplicates": killed["duplicates"],
        "elapsed_s": round(time.perf_counter() - run_started, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
