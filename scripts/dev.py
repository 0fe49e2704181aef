#!/usr/bin/env python3
"""What `make run` and `make test` do, in one readable place.

Runs first under any Python 3.11+: creates .venv, installs the pinned dependencies when
pyproject.toml changed, then re-runs itself inside .venv. With DATABASE_URL unset it
starts an embedded Postgres (pgserver, data in .run/pgdata) and connects as the
non-superuser role `ats`, because row-level security does not apply to superusers.

    python3 scripts/dev.py run [--port N]   migrate, seed, web + Celery worker + beat
    python3 scripts/dev.py test [pytest args]
    python3 scripts/dev.py ensure-db        start the embedded Postgres, leave it running
    python3 scripts/dev.py db-url           print the DATABASE_URL the app would use
    python3 scripts/dev.py stop-db          stop the embedded Postgres
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".pyproject.sha256"
RUN_DIR = ROOT / ".run"
PGDATA = RUN_DIR / "pgdata"
STATIC_STAMP = RUN_DIR / "collectstatic.stamp"
# pgserver keeps its lock file under XDG_RUNTIME_DIR and warns when falling back to /tmp.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")

# Idempotent: safe on every start, on a fresh server and on one that has the role already.
ROLE_SQL = """
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ats') THEN
    CREATE ROLE ats LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS;
  END IF;
END $$;
ALTER ROLE ats LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS;
"""


def say(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)  # stdout stays for values (db-url)


# --- bootstrap: the virtual environment -------------------------------------------------


def _pyproject_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    if not VENV_PYTHON.exists():
        say(f"creating virtual environment in {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    digest = _pyproject_digest()
    if STAMP.exists() and STAMP.read_text().strip() == digest:
        return
    say("installing pinned dependencies (pyproject.toml changed since the last install)")
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-e", ".[dev]"], check=True, cwd=ROOT)
    STAMP.write_text(digest + "\n")


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


# --- the database: external (DATABASE_URL) or embedded (pgserver) ---------------------


class EmbeddedPostgres:
    """pgserver in .run/pgdata; stopped on exit only when this process started it."""

    def __init__(self) -> None:
        import pgserver
        from pgserver.utils import PostmasterInfo

        RUN_DIR.mkdir(exist_ok=True)
        before = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
        self.started_here = not (before is not None and before.is_running())
        say(
            "starting embedded Postgres in .run/pgdata"
            if self.started_here
            else "embedded Postgres already running in .run/pgdata"
        )
        self.server = pgserver.get_server(PGDATA, cleanup_mode="stop")
        if not self.started_here:
            self.server.cleanup_mode = None  # someone else's server: leave it running
        self._ensure_role_and_database()

    def _ensure_role_and_database(self) -> None:
        import psycopg

        with psycopg.connect(self.server.get_uri(), autocommit=True) as conn:
            conn.execute(ROLE_SQL)
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = 'ats'").fetchone() is None:
                conn.execute("CREATE DATABASE ats OWNER ats")

    @property
    def url(self) -> str:
        socket_dir = self.server.get_postmaster_info().socket_dir
        return f"postgres://ats@{quote(str(socket_dir), safe='')}/ats"

    def stop(self) -> None:
        if not self.started_here:
            return
        from pgserver._commands import pg_ctl

        say("stopping embedded Postgres")
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=self.server.system_user)
        self.server.cleanup_mode = None  # pgserver's atexit hook must not try a second time


def database_url() -> tuple[str, EmbeddedPostgres | None]:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    embedded = EmbeddedPostgres()
    return embedded.url, embedded


# --- processes ----------------------------------------------------------------------------


class Stop(Exception):
    """Ctrl-C or SIGTERM: leave the main loop and stop everything."""


class StopSignals:
    """SIGINT and SIGTERM stop `make run`: the first raises Stop, every later one is ignored.

    Later ones do come: make forwards SIGTERM to dev.py after a process manager signalled the
    whole group, or Ctrl-C is pressed twice. Raising again would abandon the shutdown half way
    and leave children running.
    """

    def __init__(self) -> None:
        self.stopping = False  # set by the first signal, or by the cleanup on any other exit
        self._held = False
        self._held_signal: str | None = None

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        if self.stopping:
            return
        self.stopping = True
        if self._held:
            self._held_signal = signal.Signals(signum).name
        else:
            raise Stop(signal.Signals(signum).name)

    @contextlib.contextmanager
    def held(self):
        """Stop waits until the block ends: a process started in it is recorded, then stopped."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
        if self._held_signal is not None:
            raise Stop(self._held_signal)


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(VENV_PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def collectstatic_if_needed(env: dict[str, str]) -> None:
    sources = [STAMP, *(p for p in (ROOT / "static").rglob("*") if p.is_file())]
    newest = max(p.stat().st_mtime for p in sources if p.exists())
    if (
        (ROOT / "staticfiles").is_dir()
        and STATIC_STAMP.exists()
        and (STATIC_STAMP.stat().st_mtime >= newest)
    ):
        return
    say("collecting static files")
    manage(env, "collectstatic", "--noinput", "-v0")
    # .run/ exists only once the embedded Postgres or broker made it; a clone run against
    # DATABASE_URL and REDIS_URL (as CI runs) has none yet.
    STATIC_STAMP.parent.mkdir(parents=True, exist_ok=True)
    STATIC_STAMP.touch()


def start(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Own session: we decide the order of shutdown, and a child's children go with it.
    say(f"starting {name}: {' '.join(args)}")
    return subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)


def stop_all(procs: dict[str, subprocess.Popen], grace: float = 15.0) -> None:
    for name, proc in procs.items():
        if proc.poll() is None:
            say(f"stopping {name}")
            # What a terminal's Ctrl-C does: SIGINT to the whole group. Celery's pool children
            # ignore it and the worker shuts down warm; runserver's reloader child exits too.
            _signal_group(proc, signal.SIGINT)
    deadline = time.monotonic() + grace
    for proc in procs.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(proc, signal.SIGKILL)  # stragglers in the group (reloader, pool children)
        proc.wait()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def wait_for_http(url: str, procs: dict[str, subprocess.Popen], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs.values()):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own loopback URL
                return True
        except urllib.error.HTTPError:
            return True  # it answered (503 means a dependency is down; healthz says which)
        except OSError:
            time.sleep(0.3)
    return False


def cmd_run(args: argparse.Namespace) -> int:
    port = str(args.port or os.environ.get("PORT") or 8000)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "ats_milestones.settings.local")
    # Links in mail and the demo's development webhook sink point at this server.
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    procs: dict[str, subprocess.Popen] = {}
    embedded = None
    signals = StopSignals()
    signals.install()
    try:
        with signals.held():  # an embedded Postgres started here is recorded, then stopped
            env["DATABASE_URL"], embedded = database_url()
        if not env.get("REDIS_URL") and not env.get("CELERY_BROKER_URL"):
            say("REDIS_URL unset: Celery uses the filesystem broker in .run/broker")
            for sub in ("queue", "control"):
                (RUN_DIR / "broker" / sub).mkdir(parents=True, exist_ok=True)
        say("applying migrations")
        manage(env, "migrate", "--noinput", "-v0")
        say("loading demo data")
        demo = manage(env, "seed_demo", capture=True)
        collectstatic_if_needed(env)
        celery = [str(VENV / "bin" / "celery"), "-A", "ats_milestones"]
        commands = {
            "web": [str(VENV_PYTHON), "manage.py", "runserver", f"127.0.0.1:{port}"],
            "worker": [
                *celery,
                "worker",
                "-l",
                "info",
                "--concurrency",
                "2",
                "-Q",
                "celery,integrations",
            ],
            "beat": [*celery, "beat", "-l", "info", "--pidfile", ""],
        }
        for name, command in commands.items():
            with signals.held():  # between Popen and this dict a Stop would orphan the child
                procs[name] = start(name, command, env)
        url = f"http://127.0.0.1:{port}/"
        if not wait_for_http(url + "healthz", procs):
            say("the web server did not come up; stopping")
            return 1
        print("\n" + demo.rstrip(), flush=True)
        print(f"\n  ATS Milestones is running at {url}  (Ctrl-C stops everything)\n", flush=True)
        while True:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    say(f"{name} exited with code {proc.returncode}; stopping the rest")
                    return 1
            time.sleep(0.5)
    except Stop as why:
        say(f"{why}: shutting down")
        return 0
    finally:
        signals.stopping = True  # from here on no signal may interrupt the cleanup
        stop_all(procs)
        if embedded is not None:
            embedded.stop()
        say("all processes stopped")


def cmd_test(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    embedded = None
    try:
        # The direction of imports first: a violation fails the run with the chain printed.
        # No cache: a cached graph keeps unchanged files' imports as first resolved, so a
        # directory that just became a package hides the imports into it (half a second).
        lint = subprocess.run([str(VENV / "bin" / "lint-imports"), "--no-cache"], cwd=ROOT, env=env)
        if lint.returncode != 0:
            say("lint-imports found an import against the layers (pyproject.toml contracts)")
            return lint.returncode
        env["DATABASE_URL"], embedded = database_url()
        command = [str(VENV_PYTHON), "-m", "pytest", "-p", "scripts.pytest_browser_note"]
        rc = subprocess.run([*command, *args.pytest_args], cwd=ROOT, env=env).returncode
    except KeyboardInterrupt:
        rc = 130
    finally:
        if embedded is not None:
            embedded.stop()
    if rc == 5:
        say("pytest collected no tests (exit code 5): that is a failure, not a pass")
    return rc


def cmd_ensure_db(args: argparse.Namespace) -> int:
    url, embedded = database_url()
    if embedded is not None:
        embedded.started_here = False  # leave it running for the next commands
        embedded.server.cleanup_mode = None
    print(url)
    return 0


def cmd_db_url(args: argparse.Namespace) -> int:
    if os.environ.get("DATABASE_URL"):
        print(os.environ["DATABASE_URL"])
        return 0
    return cmd_ensure_db(args)


def cmd_stop_db(args: argparse.Namespace) -> int:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    if info is None or not info.is_running():
        say("embedded Postgres is not running")
        return 0
    embedded = EmbeddedPostgres()
    embedded.started_here = True
    embedded.stop()
    return 0


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under whatever python3 the user has
        sys.exit(f"Python 3.11+ is needed, this is {sys.version.split()[0]}: make PYTHON=...")
    if not in_venv():
        ensure_venv()
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *argv])
    os.chdir(ROOT)
    parser = argparse.ArgumentParser(prog="dev.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="migrate, seed demo data, start web + worker + beat")
    run.add_argument("--port", type=int, help="default: $PORT or 8000")
    run.set_defaults(func=cmd_run)
    sub.add_parser("test", help="run pytest against a real Postgres (other args go to pytest)")
    sub.add_parser("ensure-db", help="start the embedded Postgres").set_defaults(func=cmd_ensure_db)
    sub.add_parser("db-url", help="print the DATABASE_URL in use").set_defaults(func=cmd_db_url)
    sub.add_parser("stop-db", help="stop the embedded Postgres").set_defaults(func=cmd_stop_db)
    sub.choices["test"].set_defaults(func=cmd_test)
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.pytest_args = extra
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
