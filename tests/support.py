"""Helpers shared by every kind of test: error-body assertions, cross-tenant reads for
checking rows, and the URL conf walked for route-enumerating tests. No test module imports
another; what two need lives here (browser sign-in: tests/e2e/support.py)."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AuditEvent
from tenants.context import all_tenants_context


def signed_in(user):
    """A browser-like test client with `user` signed in."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    """The response is our error body with this status (and code, and a message for field)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert field in error["fields"], error
    return error


def rows(model, **filters):
    """Rows of any tenant (test setup and assertions may cross tenants)."""
    with all_tenants_context():
        return list(model.all_tenants.filter(**filters))


def audit_events(**filters) -> list[AuditEvent]:
    return rows(AuditEvent, **filters)


def refreshed(obj):
    with all_tenants_context():
        return type(obj).all_tenants.get(pk=obj.pk)


def table_row_counts() -> dict[str, int]:
    """Rows in every table of the schema, of every tenant: proof that a call wrote nothing."""
    counts = {}
    with all_tenants_context(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


# -- the URL conf, walked: route tests enumerate it so a new route cannot skip them -------

API_PREFIX = "api/v1/"
ID_PARAMETERS = {"pk", "id"}
# Every method but OPTIONS/HEAD is tried: a POST-only action on another tenant's id is
# refused exactly like a GET of it.
CHECKED_METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


def _nullable_as_json_schema(node):
    """OpenAPI 3.0's `nullable: true` as JSON Schema says it (`anyOf` with null)."""
    if isinstance(node, list):
        return [_nullable_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def response_schema_errors(client, path: str, response, method: str = "get") -> list[str]:
    """What in `response`'s JSON body the OpenAPI schema of `path` (as written in the
    schema, e.g. `/api/v1/reports/funnel`) does not allow, for the response's status."""
    import jsonschema_rs

    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    documented = schema["paths"][path][method]["responses"][str(response.status_code)]
    body_schema = _nullable_as_json_schema(
        {**documented["content"]["application/json"]["schema"], "components": schema["components"]}
    )
    validator = jsonschema_rs.Draft4Validator(body_schema)
    return [error.message for error in validator.iter_errors(response.json())]


def walk_routes(patterns=None, prefix: str = "", namespace: str = "", params=frozenset()):
    """(route, namespaced name, pattern, URL parameters) for every route of the URL conf."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        names = params | frozenset(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk_routes(pattern.url_patterns, route, inner, names)
        elif isinstance(pattern, URLPattern):
            yield route, f"{namespace}{pattern.name}", pattern, names


def is_id_parameter(param: str) -> bool:
    return param in ID_PARAMETERS or param.endswith(("_id", "_pk"))


def api_routes() -> list[tuple[str, URLPattern, frozenset]]:
    """(route, pattern, URL parameters) of every route under /api/v1/."""
    return [
        (route, pattern, params)
        for route, _, pattern, params in walk_routes()
        if route.startswith(API_PREFIX)
    ]


def allowed_methods(pattern: URLPattern) -> set[str]:
    """The HTTP methods a route's view answers."""
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # a ViewSet route: exactly the mapped methods
        return {m.upper() for m in actions}
    view_class = pattern.callback.view_class
    return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)}


# -- processes a test starts (a Celery worker, `make run`) --------------------------------


def migrate_to(targets):
    """Migrate the test database to `targets` (`(app, migration)` pairs; a migration of
    None unapplies the app) and return the apps as they stand there, for a migration test
    that writes rows with the models of an older schema."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def latest_migrations(app: str | None = None) -> list[tuple[str, str]]:
    """The newest migration of every app (or of one app)."""
    from django.db.migrations.executor import MigrationExecutor

    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [node for node in leaves if app is None or node[0] == app]


def database_url(name: str) -> str:
    """The suite's DATABASE_URL pointed at database `name`, for a process the test starts.

    Passed through rather than rebuilt from the connection settings: the embedded Postgres
    is a socket directory in the host part (URL-encoded) and a rebuilt URL loses it.
    """
    return urlunsplit(urlsplit(settings.DATABASE_URL)._replace(path="/" + quote(name, safe="")))


class FakeVendor:
    """A peer system for tests: a real HTTP server on loopback (a thread of the test
    process) that records what it receives and answers as told.

    `answers` is a list of statuses (or (status, headers) pairs) used in turn, the last one
    repeated; `delay_s` makes each answer late (timeouts). `stop()` closes the port (the
    vendor is down); `start()` opens it again on the same port."""

    def __init__(
        self,
        answers=(200,),
        delay_s: float = 0.0,
        port: int = 0,
        reply: bytes = b"",
        routes: dict | None = None,
    ):
        self.answers = list(answers)
        self.reply = reply  # the body of a 2xx answer (default {"ok": true})
        self.routes = routes or {}  # path -> the body of a 2xx answer there (a vendor API)
        self.delay_s = delay_s
        self.received: list[dict] = []
        self._lock = threading.Lock()
        self._port = port
        self._server = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/hooks"

    def _answer(self):
        with self._lock:
            answer = self.answers[0] if len(self.answers) == 1 else self.answers.pop(0)
        return answer if isinstance(answer, tuple) else (answer, {})

    def start(self) -> None:
        vendor = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed ACK)

            def do_POST(self):  # noqa: N802 -- the stdlib's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers = vendor._answer()
                with vendor._lock:
                    vendor.received.append(
                        {
                            "headers": dict(self.headers),
                            "body": body,
                            "status": status,
                            "path": self.path,
                        }
                    )
                if vendor.delay_s:
                    time.sleep(vendor.delay_s)
                ok = vendor.routes.get(self.path) or vendor.reply or b'{"ok": true}'
                reply = ok if status < 300 else b'{"error": "vendor says no"}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def bodies(self) -> list[dict]:
        with self._lock:
            return [json.loads(r["body"]) for r in self.received]


# Redis for tests that start Celery processes: a database of its own, flushed per test.
CELERY_TEST_REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


def redis_or_skip(url: str = CELERY_TEST_REDIS_URL) -> None:
    """Skip without Redis at `url` (fail under CI=true); flush it: no stale tasks of earlier
    runs reach this test's workers."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required under CI: {exc}")
        pytest.skip(f"Redis at {url} is not reachable: {exc}")
    client.flushdb()


class CeleryProcesses:
    """Real Celery workers (solo pool) and beat against Redis, as separate processes on the
    suite's test database; `stop()` ends them all, `kill(process)` one at once. Logs go to
    `tmp_path`, shown when `wait` gives up. `env` overrides the processes' environment
    (a faster sweep, another broker)."""

    def __init__(self, *, tmp_path, redis_url: str = CELERY_TEST_REDIS_URL, **env):
        self.tmp_path, self.processes = tmp_path, []
        self._python, self._root = sys.executable, Path(__file__).resolve().parents[1]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.test",
            # The test database, where the test's rows committed.
            "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
            "DATABASE_POOL": "false",
            "CELERY_BROKER_URL": redis_url,
            "REDIS_URL": redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "INTEGRATIONS_RELAY_INTERVAL_S": "0.5",
            "INTEGRATIONS_RETRY_SCHEDULE_S": "1,1,1,1,1",
            **env,
        }

    def _start(self, name: str, args: list[str]):
        process = subprocess.Popen(
            [self._python, "-m", "celery", "-A", "ats_milestones", *args],
            cwd=self._root,
            env=self.env,
            stdout=(self.tmp_path / f"{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def worker(self, name: str, queues: str = "integrations"):
        """A worker consuming `queues` (comma-separated; `celery` is the default queue)."""
        return self._start(
            name,
            ["worker", "-P", "solo", "-Q", queues, "-n", f"{name}@%h"]
            + ["--without-gossip", "--without-mingle", "-l", "INFO"],
        )

    def beat(self):
        return self._start("beat", ["beat", "-l", "INFO", "--schedule", str(self.tmp_path / "b")])

    @staticmethod
    def _end(process, sig) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)  # SIGTERM: a warm shutdown, the current task finishes
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def kill(self, process) -> None:
        """SIGKILL one process now (a worker dying mid-task)."""
        self._end(process, signal.SIGKILL)

    def stop(self) -> None:
        for process in self.processes:
            self._end(process, signal.SIGTERM)

    def assert_running(self) -> None:
        """Every process started is still up (else its log tells why)."""
        for process in self.processes:
            if process.poll() is not None:
                logs = "\n".join(p.read_text()[-3000:] for p in self.tmp_path.glob("*.log"))
                raise AssertionError(f"a Celery process exited ({process.returncode})\n{logs}")

    def wait(self, condition, what: str, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        logs = "\n".join(p.read_text()[-2000:] for p in self.tmp_path.glob("*.log"))
        pytest.fail(f"{what} within {timeout_s} s\n{logs}")
