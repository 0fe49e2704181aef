"""A real Celery worker and beat against Redis and the test Postgres database: beat
schedules the sweep, the worker runs it, an overdue milestone escalates and notifies.

Select with `-m celery_worker`. Without Redis the test skips, except under CI=true.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from milestones.models import ApplicationMilestone
from notifications.models import Notification
from tenants.context import all_tenants_context
from tests.support import database_url

from .timer_support import overdue_application

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CELERY_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
TIMEOUT_S = 60

pytestmark = pytest.mark.celery_worker


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is required under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    client.flushdb()  # this test's own Redis database: no stale sweeps from earlier runs


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ats_milestones", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # warm shutdown: the current task finishes
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_beat_and_a_worker_escalate_an_overdue_milestone(
    flushable_append_only_tables, tenant_a, tmp_path
):
    _redis_or_skip()
    application = overdue_application(tenant=tenant_a, hours_ago=50)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.test",
        # The test database, where this test's rows committed.
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DATABASE_POOL": "false",
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
        "MILESTONE_SWEEP_INTERVAL_S": "1",
    }
    worker = _start(
        ["worker", "-P", "solo", "-c", "1", "--without-gossip", "--without-mingle", "-l", "INFO"],
        env,
        tmp_path / "worker.log",
    )
    beat = _start(
        ["beat", "-l", "INFO", "--schedule", str(tmp_path / "beat-schedule")],
        env,
        tmp_path / "beat.log",
    )
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            with all_tenants_context():
                level = ApplicationMilestone.all_tenants.get(
                    application=application, state="active"
                ).escalation_level
                notified = Notification.all_tenants.filter(
                    application=application, kind="milestone.escalated"
                ).exists()
            if level == 1 and notified:
                break
            for process, log in ((worker, "worker.log"), (beat, "beat.log")):
                assert process.poll() is None, (tmp_path / log).read_text()[-3000:]
            time.sleep(0.5)
        else:
            pytest.fail(
                "no escalation within 60 s\nworker:\n"
                + (tmp_path / "worker.log").read_text()[-3000:]
                + "\nbeat:\n"
                + (tmp_path / "beat.log").read_text()[-3000:]
            )
    finally:
        _stop(beat)
        _stop(worker)
        connection.close()
    assert worker.returncode is not None and beat.returncode is not None
    with all_tenants_context():
        assert (
            Notification.all_tenants.filter(
                application=application, kind="milestone.escalated"
            ).count()
            == 1
        )
