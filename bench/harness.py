"""Shared machinery for benchmarks: a database of their own, a production-like server, load tools.

Everything here runs real processes (Postgres, gunicorn, wrk, pgbench) and cleans up after
itself through `contextlib.ExitStack`, so Ctrl-C stops the server too.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUN_DIR = ROOT / ".run" / "bench"
LUA = Path(__file__).resolve().parent / "lua"
WRK_THREADS = 2  # one per core; wrk shares the machine with gunicorn and Postgres


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- database -------------------------------------------------------------------------------


def base_database_url() -> str:
    """DATABASE_URL if set, else the embedded Postgres of scripts/dev.py (started if needed)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    dev = [PYTHON, str(ROOT / "scripts" / "dev.py")]
    subprocess.run([*dev, "ensure-db"], check=True, cwd=ROOT)
    return subprocess.run(
        [*dev, "db-url"], check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def _admin_connect(url: str) -> psycopg.Connection:
    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def database_exists(url: str, name: str) -> bool:
    with _admin_connect(url) as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def recreate_database(url: str, name: str, *, template: str | None = None) -> str:
    """Drop `name` if it exists and create it (from `template` when given); returns its URL."""
    with _admin_connect(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{name}"{suffix}')
    return with_database(url, name)


def migrated_template(url: str, name: str) -> str:
    """A database with every migration applied, kept between runs as a template (fast copies)."""
    if not database_exists(url, name):
        recreate_database(url, name)
    env = {**os.environ, "DATABASE_URL": with_database(url, name), "DATABASE_POOL": "false"}
    say(f"migrating template database {name}")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env
    )
    return name


def bench_database(*, template: str, name: str) -> tuple[str, str]:
    """The server's URL and a fresh `name` copied from the migrated `template` (kept between
    runs); returns (server URL, `name`'s URL)."""
    base_url = base_database_url()
    migrated_template(base_url, template)
    return base_url, recreate_database(base_url, name, template=template)


def server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


# -- the application server -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_options() -> dict[str, dict]:
    """The gunicorn setups a bench may serve with: sync, what the image runs
    (ats_milestones/gunicorn_conf.py: 2 x cores + 1 workers), and gthread."""
    cores = os.cpu_count() or 2
    return {
        "sync": {"worker_class": "sync", "workers": 2 * cores + 1, "threads": 1},
        "gthread": {"worker_class": "gthread", "workers": cores, "threads": 4},
    }


def collect_static() -> None:
    """The static files as the image bakes them (production settings' manifest storage:
    a page cannot render without them)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.production",
        "DJANGO_SECRET_KEY": "collectstatic-only",
        "INTEGRATIONS_SECRET_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "postgres://build@localhost/build",
    }
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT, env=env
    )


def serve(stack: contextlib.ExitStack, *, database_url: str, token: str, **option) -> str:
    """gunicorn (stopped when `stack` closes), warmed up with authenticated pings; its base
    URL. `option`: `server_options()`' entry, and `secret_key` when the bench signs sessions."""
    base, _ = stack.enter_context(gunicorn(database_url=database_url, **option))
    warm_up(base + "/api/v1/ping", {"Authorization": f"Bearer {token}"})
    return base


@contextlib.contextmanager
def gunicorn(
    *,
    database_url: str,
    workers: int,
    worker_class: str = "sync",
    threads: int = 1,
    secret_key: str | None = None,
):
    """The app as production serves it (production settings, pooled DB), through bench.wsgi
    (the product's app plus the framework-ceiling endpoint); yields its base URL. A random
    secret key unless the bench made sessions with its own (`secret_key`)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.production",
        "DJANGO_SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "INTEGRATIONS_SECRET_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "DATABASE_POOL": "true",
        "LOG_LEVEL": "WARNING",
        # No API rate limit: bench.wsgi turns it off for every caller (600 a minute per API
        # client would answer most of a run 429).
    }
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    log = open(RUN_DIR / "gunicorn.log", "ab")  # noqa: SIM115 - closed below
    cmd = [
        PYTHON,
        "-m",
        "gunicorn",
        "--config=python:ats_milestones.gunicorn_conf",
        "bench.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        "--log-level=warning",
        "--backlog=2048",
    ]
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
        yield base, process
    finally:
        _stop(process)
        log.close()


def _wait_healthy(base: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {RUN_DIR}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become healthy in time")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def warm_up(url: str, headers: dict[str, str], n: int = 20) -> None:
    """A few requests so every worker has imported its code and opened its pool."""
    for _ in range(n):
        request = urllib.request.Request(url, headers=headers)
        with contextlib.suppress(urllib.error.URLError):
            urllib.request.urlopen(request, timeout=5).read()


# -- load tools -----------------------------------------------------------------------------


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0:
        say("wrk is missing; installing the Debian package")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
        path = shutil.which("wrk")
        if path:
            return path
    sys.exit("wrk is not installed: run `sudo apt-get install wrk` (Debian/Ubuntu) and retry")


def ensure_pgbench() -> str:
    path = shutil.which("pgbench")
    if path is None:
        sys.exit("pgbench is not installed: `sudo apt-get install postgresql-client` and retry")
    return path


def run_wrk(
    *,
    url: str,
    script: Path,
    connections: int,
    seconds: float,
    threads: int | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Runs wrk with a Lua script whose done() prints one JSON line prefixed `BENCH_JSON `."""
    threads = threads or min(connections, 2)
    cmd = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout=10s",
        "-s",
        str(script),
        url,
    ]
    result = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line.removeprefix("BENCH_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            return data
    raise RuntimeError(f"wrk gave no summary:\n{result.stdout}\n{result.stderr}")


class IdSlices:
    """Hands out disjoint slices of ids (applications, approval requests), one file per wrk
    thread per run, so no id is written twice in a run."""

    def __init__(self, ids: list[str], directory: Path) -> None:
        self.ids = ids
        self.next = 0
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def take(self, run: str, *, per_thread: int, threads: int) -> str:
        prefix = str(self.directory / f"ids-{run}-")
        for index in range(threads):
            chunk = self.ids[self.next : self.next + per_thread]
            self.next += len(chunk)
            Path(f"{prefix}{index}.txt").write_text("\n".join(chunk) + "\n")
        return prefix

    @property
    def left(self) -> int:
        return len(self.ids) - self.next


def run_wrk_once_each(
    *,
    url: str,
    script: str,
    ids: IdSlices,
    run: str,
    per_thread: int,
    connections: int,
    seconds: float,
    env: dict[str, str],
    rate: float = 0,
) -> dict:
    """wrk with one of the scripts that write each id at most once (`lua/once.lua`): fresh
    ids for each thread, paced at `rate` requests/s when given (open loop)."""
    prefix = ids.take(run, per_thread=per_thread, threads=WRK_THREADS)
    result = run_wrk(
        url=url,
        script=LUA / script,
        connections=connections,
        seconds=seconds,
        threads=WRK_THREADS,
        env={
            **env,
            "BENCH_LUA_DIR": str(LUA),
            "BENCH_IDS_PREFIX": prefix,
            "BENCH_RATE": str(rate),
            "BENCH_THREADS": str(WRK_THREADS),
        },
    )
    if result["exhausted"]:
        say(f"{run}: ran out of fresh ids {result['exhausted']} times (those answer 409)")
    return result


def run_get(*, url: str, connections: int, seconds: float, env: dict[str, str]) -> dict:
    """wrk GETs of `url` with the bench's credentials (`lua/get.lua`: a bearer token, or a
    session cookie for pages)."""
    return run_wrk(
        url=url,
        script=LUA / "get.lua",
        connections=connections,
        seconds=seconds,
        threads=min(connections, WRK_THREADS),
        env={**env, "BENCH_LUA_DIR": str(LUA)},
    )


def pgbench_tps(
    *,
    url: str,
    dbname: str,
    scale: int,
    clients: int,
    jobs: int,
    seconds: int,
    initialise: bool = True,
) -> float:
    """TPC-B (pgbench's built-in) in its own database on the same server; returns tps."""
    binary = ensure_pgbench()
    target = with_database(url, dbname)
    if initialise or not database_exists(url, dbname):
        recreate_database(url, dbname)
        say(f"pgbench -i -s {scale}")
        subprocess.run(
            [binary, "-i", "-q", "-s", str(scale), target], check=True, capture_output=True
        )
    result = subprocess.run(
        [binary, "-c", str(clients), "-j", str(jobs), "-T", str(seconds), target],
        check=True,
        capture_output=True,
        text=True,
    )
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if not match:
        raise RuntimeError(f"could not read pgbench output:\n{result.stdout}")
    return float(match.group(1))


# -- reporting ------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} CPU ({cpu}){mem}, {platform.system()} {platform.release()}"


def _interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def run_main(main) -> None:
    """Run a bench's `main()` and exit with its status. Ctrl-C and SIGTERM unwind its
    ExitStack, which stops gunicorn (also when started in the background, where the shell
    leaves SIGINT ignored)."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("interrupted; server stopped")
        sys.exit(130)


def table(rows: list[tuple], headers: tuple[str, ...]) -> str:
    cells = [tuple(str(c) for c in headers)] + [tuple(str(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
