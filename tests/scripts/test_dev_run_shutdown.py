"""`make run` stops every process it started, whichever way it is stopped.

Each test starts the real thing (scripts/dev.py run: migrate, seed, runserver, a Celery worker
and beat) against a database of its own, stops it the way a terminal, a process manager or a
crash does, and then looks in /proc for anything left of dev.py's process group or of the
children's sessions (dev.py starts each child in a session of its own).

Select with `-m dev_run`. Redis is used when the suite has REDIS_URL, else dev.py's
filesystem broker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from tests.support import database_url

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120  # migrate and seed (no-ops here), then /healthz: ~15 s on an idle machine
STOP_TIMEOUT_S = 30  # dev.py's grace for its children is 15 s
SETTLE_S = 5  # a SIGKILLed straggler takes a moment to leave the process table
REAP_S = 10  # and its zombie a moment more: some inits (this VM's) reap every second or so

pytestmark = [
    pytest.mark.dev_run,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the Linux /proc"),
]


@pytest.fixture(scope="module")
def devrun_database_url():
    """A migrated database beside the suite's test database, named after it (parallel suites)."""
    test_name = settings.DATABASES["default"]["TEST"]["NAME"] or "test_" + (
        urlsplit(settings.DATABASE_URL).path.lstrip("/")
    )
    name = f"{test_name}_devrun"
    _on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _on_the_server(f'CREATE DATABASE "{name}"')  # owned by the suite's role (ats)
    url = database_url(name)
    env = {**_env_without_test_settings(), "DATABASE_URL": url, "DATABASE_POOL": "false"}
    # Here, not in the first test: a fresh database takes half a minute to migrate and seed;
    # then each run's migrate and seed_demo find nothing to do (a few seconds).
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    yield url
    _on_the_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _on_the_server(sql: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def _env_without_test_settings() -> dict[str, str]:
    # dev.py and manage.py choose their settings as they do for a developer.
    return {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PORT"}
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the process table ----------------------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    pgid: int
    sid: int
    cmdline: str


def _process_table() -> list[Proc]:
    """Live processes (zombies are dead: their parent has yet to reap them)."""
    table = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:  # it exited while we looked
            continue
        # The command name in parentheses may hold spaces: the fields follow the last ")".
        state, ppid, pgid, sid = stat[stat.rindex(")") + 2 :].split()[:4]
        if state not in {"Z", "X"}:
            table.append(Proc(int(entry.name), int(ppid), int(pgid), int(sid), cmdline))
    return table


def _of(table: list[Proc], *, pgids: set[int], sids: set[int]) -> list[Proc]:
    return [p for p in table if p.pgid in pgids or p.sid in sids]


# --- one `make run` ---------------------------------------------------------------------------


@dataclass
class DevRun:
    process: subprocess.Popen
    dev_pid: int  # dev.py itself: the process started, or make's child
    children: dict[str, int]  # web, worker, beat: each the leader of its own session
    stdout: Path
    stderr: Path

    @property
    def pgid(self) -> int:
        return self.process.pid  # started in its own session, so its own group

    def logs(self) -> str:
        out, err = self.stdout.read_text()[-3000:], self.stderr.read_text()[-6000:]
        return f"stdout:\n{out}\nstderr:\n{err}"

    def survivors(self) -> list[Proc]:
        sessions = set(self.children.values())
        deadline = time.monotonic() + SETTLE_S
        while (left := _of(_process_table(), pgids={self.pgid}, sids=sessions)) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)
        return left


@pytest.fixture
def start_dev_run(devrun_database_url, tmp_path):
    """Starts `make run` (dev.py itself, or through make); whatever a test leaves, it kills."""
    runs: list[DevRun] = []

    def start(*, via_make: bool = False) -> DevRun:
        port = _free_port()
        if via_make:  # `make run` takes the port from $PORT
            command = ["make", "--no-print-directory", "run", f"PYTHON={sys.executable}"]
        else:
            command = [sys.executable, "scripts/dev.py", "run", "--port", str(port)]
        env = {
            **_env_without_test_settings(),
            "DATABASE_URL": devrun_database_url,
            "PORT": str(port),
        }
        stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=stdout.open("wb"),
            stderr=stderr.open("wb"),
            start_new_session=True,  # its own group, as a terminal or process manager gives it
        )
        runs.append(run := DevRun(process, 0, {}, stdout, stderr))
        _wait_until_running(run)
        return run

    yield start
    for run in runs:
        _kill_everything(run)


def _wait_until_running(run: DevRun) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while "is running at" not in run.stdout.read_text():
        assert run.process.poll() is None, f"make run exited early\n{run.logs()}"
        assert time.monotonic() < deadline, f"not running after {START_TIMEOUT_S} s\n{run.logs()}"
        time.sleep(0.3)
    table = _process_table()
    run.dev_pid = next(
        p.pid for p in table if p.pgid == run.pgid and "scripts/dev.py run" in p.cmdline
    )
    started = [p for p in table if p.ppid == run.dev_pid]
    run.children = {_role(p.cmdline): p.pid for p in started}
    assert sorted(run.children) == ["beat", "web", "worker"], started
    assert all(p.sid == p.pid for p in started), started
    # The processes a stop must also end: runserver's reloader child, the worker's pool.
    while True:
        table = _process_table()
        web = _of(table, pgids=set(), sids={run.children["web"]})
        worker = _of(table, pgids=set(), sids={run.children["worker"]})
        if len(web) >= 2 and len(worker) >= 3:
            return
        assert time.monotonic() < deadline, f"no reloader child or pool\n{web}\n{worker}"
        time.sleep(0.3)


def _role(cmdline: str) -> str:
    for role, word in (("web", " runserver "), ("worker", " worker "), ("beat", " beat ")):
        if word in f" {cmdline} ":
            return role
    return cmdline


def _wait_for_exit(run: DevRun) -> int:
    try:
        return run.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"make run still running {STOP_TIMEOUT_S} s after the signal\n{run.logs()}")


def _kill_everything(run: DevRun) -> None:
    """The fixture's cleanup: a failing test leaves nothing behind either (a no-op on a pass)."""
    table = _process_table()
    group = {p.pid for p in table if p.pgid == run.pgid}
    sessions = {p.pid for p in table if p.ppid in group and p.sid == p.pid}  # not yet recorded
    for pgid in {run.pgid, *run.children.values(), *sessions}:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    run.process.wait()


def _assert_everything_stopped(run: DevRun) -> None:
    stderr = run.stderr.read_text()
    assert "Traceback" not in stderr, run.logs()
    assert "[dev] all processes stopped" in stderr, run.logs()
    left = run.survivors()
    assert left == [], f"still running after make run exited: {left}\n{run.logs()}"
    # Nor any member at all once init has reaped the orphans (kill still reaches a zombie).
    groups = {run.pgid, *run.children.values()}
    deadline = time.monotonic() + REAP_S
    while (groups := {g for g in groups if _group_exists(g)}) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert groups == set(), f"process groups still there: {groups}\n{run.logs()}"


def _group_exists(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_to_the_group_stops_every_process(start_dev_run):
    run = start_dev_run()
    os.killpg(run.pgid, signal.SIGINT)  # what the terminal sends on Ctrl-C
    assert _wait_for_exit(run) == 0, run.logs()
    _assert_everything_stopped(run)


def test_sigterm_to_the_group_stops_every_process(start_dev_run):
    run = start_dev_run()
    # Each child has a session of its own, so this is also `kill <dev.py's pid>`.
    assert [p.pid for p in _of(_process_table(), pgids={run.pgid}, sids=set())] == [run.dev_pid]
    os.killpg(run.pgid, signal.SIGTERM)  # what a process manager sends, or kill -- -PGID
    assert _wait_for_exit(run) == 0, run.logs()
    _assert_everything_stopped(run)


def test_a_second_sigterm_while_stopping_does_not_interrupt_the_shutdown(start_dev_run):
    # The second SIGTERM is what make forwards; here it lands while the children stop.
    run = start_dev_run()
    os.killpg(run.pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while "[dev] stopping web" not in run.stderr.read_text():
        assert run.process.poll() is None, run.logs()
        assert time.monotonic() < deadline, run.logs()
        time.sleep(0.05)
    os.killpg(run.pgid, signal.SIGTERM)
    assert _wait_for_exit(run) == 0, run.logs()
    _assert_everything_stopped(run)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_sigterm_to_the_group_of_make_run_stops_every_process(start_dev_run):
    # make forwards SIGTERM to dev.py, which so gets it twice while it is stopping.
    run = start_dev_run(via_make=True)
    os.killpg(run.pgid, signal.SIGTERM)
    assert _wait_for_exit(run) == -signal.SIGTERM, run.logs()  # make re-raises what it got
    assert "make: ***" not in run.stderr.read_text(), run.logs()  # dev.py exited with 0
    _assert_everything_stopped(run)


def test_a_child_dying_stops_the_others(start_dev_run):
    run = start_dev_run()
    os.killpg(run.children["beat"], signal.SIGKILL)
    assert _wait_for_exit(run) == 1, run.logs()
    assert "beat exited with code -9; stopping the rest" in run.stderr.read_text(), run.logs()
    _assert_everything_stopped(run)
