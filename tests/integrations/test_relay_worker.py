"""Real processes: Celery workers and beat against Redis deliver to a fake vendor on
loopback. A worker killed mid-delivery leaves its batch pending, and the next one sends it
again with the same webhook-id; two relays at once send each event once, in order.

Select with `-m celery_worker`. Without Redis the test skips, except under CI=true.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from standardwebhooks.webhooks import Webhook

from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context
from tests.support import FakeVendor, database_url

from ..milestones.factories import make_tracked_application, make_version
from .factories import make_connection

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
    client.flushdb()


def _env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ats_milestones.settings.test",
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DATABASE_POOL": "false",
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "INTEGRATIONS_RELAY_INTERVAL_S": "0.5",
        "INTEGRATIONS_RETRY_SCHEDULE_S": "1,1,1,1,1",
    }


def _start(name: str, args: list[str], tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ats_milestones", *args],
        cwd=ROOT,
        env=_env(),
        stdout=(tmp_path / f"{name}.log").open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _worker(name: str, tmp_path: Path) -> subprocess.Popen:
    return _start(
        name,
        [
            "worker",
            "-P",
            "solo",
            "-Q",
            "integrations",
            "-n",
            f"{name}@%h",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
        ],
        tmp_path,
    )


def _beat(tmp_path: Path) -> subprocess.Popen:
    return _start("beat", ["beat", "-l", "INFO", "--schedule", str(tmp_path / "beat")], tmp_path)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait(condition, tmp_path: Path, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    logs = "\n".join(p.read_text()[-2000:] for p in tmp_path.glob("*.log"))
    pytest.fail(f"{what} within {TIMEOUT_S} s\n{logs}")


def _moves(tenant, applications, times: int) -> None:
    with tenant_context(tenant):
        for _ in range(times):
            for application in applications:
                application_transition(
                    application_id=application.pk, action=MoveAction.ADVANCE, expected_version=None
                )


def _by_application(vendor: FakeVendor) -> dict[str, list[str]]:
    """What the receiver kept after dedup by webhook-id, per application, in arrival order."""
    seen, kept = set(), {}
    for received in list(vendor.received):
        msg_id = received["headers"]["webhook-id"]
        if msg_id in seen:
            continue
        seen.add(msg_id)
        data = json.loads(received["body"])["data"]
        kept.setdefault(data["application_id"], []).append(data["to_milestone"])
    return kept


def test_a_worker_killed_mid_delivery_is_followed_by_one_that_sends_the_same_webhook_id(
    transactional_db, tenant_a, tmp_path
):
    _redis_or_skip()
    vendor = FakeVendor(delay_s=4)  # long enough to kill the worker while it waits
    _, secret = make_connection(tenant=tenant_a, url=vendor.url, timeout_s=10)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    _moves(tenant_a, [application], times=2)
    beat, worker = _beat(tmp_path), _worker("first", tmp_path)
    try:
        _wait(lambda: len(vendor.received) >= 1, tmp_path, "no delivery started")
        _stop(worker, signal.SIGKILL)
        first_id = vendor.received[0]["headers"]["webhook-id"]
        vendor.delay_s = 0
        worker = _worker("second", tmp_path)
        _wait(
            lambda: len(_by_application(vendor).get(str(application.pk), ())) == 3,
            tmp_path,
            "the three events were not all delivered",
        )
    finally:
        _stop(beat)
        _stop(worker)
        vendor.stop()
        connection.close()
    ids = [r["headers"]["webhook-id"] for r in vendor.received]
    assert ids.count(first_id) == 2  # sent again after the kill, same id
    assert _by_application(vendor)[str(application.pk)] == ["APPLIED", "SCREEN", "INTERVIEW"]
    for received in vendor.received:
        Webhook(secret).verify(received["body"], received["headers"])


def test_two_relays_at_once_send_each_event_once_and_in_order(transactional_db, tenant_a, tmp_path):
    _redis_or_skip()
    vendor = FakeVendor()
    make_connection(tenant=tenant_a, url=vendor.url)
    version = make_version(tenant=tenant_a)
    applications = [make_tracked_application(tenant=tenant_a, version=version) for _ in range(6)]
    _moves(tenant_a, applications, times=3)
    beat = _beat(tmp_path)
    workers = [_worker("one", tmp_path), _worker("two", tmp_path)]
    try:
        _wait(lambda: len(vendor.received) >= 24, tmp_path, "not all 24 events were delivered")
        time.sleep(1.5)  # room for a duplicate to show
    finally:
        _stop(beat)
        for worker in workers:
            _stop(worker)
        vendor.stop()
        connection.close()
    ids = [r["headers"]["webhook-id"] for r in vendor.received]
    assert len(ids) == len(set(ids)) == 24
    expected = ["APPLIED", "SCREEN", "INTERVIEW", "OFFER"]
    assert _by_application(vendor) == {str(a.pk): expected for a in applications}
