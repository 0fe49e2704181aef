"""Real processes: Celery workers and beat against Redis deliver to a fake vendor on
loopback. A worker killed mid-delivery leaves its batch pending, and the next one sends it
again with the same webhook-id; two relays at once send each event once, in order; with
the broker down events wait in the outbox and go when it returns; a rolled-back change
sends nothing.

Select with `-m celery_worker`. Without Redis the test skips, except under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from standardwebhooks.webhooks import Webhook

from integrations.models import OutboxEvent
from milestones.core.engine import MoveAction
from milestones.services.transitions.moves import application_transition
from tenants.context import tenant_context
from tests.support import CeleryProcesses, FakeVendor, redis_or_skip

from ..milestones.factories import make_tracked_application, make_version
from .factories import make_connection

pytestmark = pytest.mark.celery_worker


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
    redis_or_skip()
    vendor = FakeVendor(delay_s=4)  # long enough to kill the worker while it waits
    _, secret = make_connection(tenant=tenant_a, url=vendor.url, timeout_s=10)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    _moves(tenant_a, [application], times=2)
    celery = CeleryProcesses(tmp_path=tmp_path)
    try:
        celery.beat()
        worker = celery.worker("first")
        celery.wait(lambda: len(vendor.received) >= 1, "no delivery started")
        celery.kill(worker)
        first_id = vendor.received[0]["headers"]["webhook-id"]
        vendor.delay_s = 0
        celery.worker("second")
        celery.wait(
            lambda: len(_by_application(vendor).get(str(application.pk), ())) == 3,
            "the three events were not all delivered",
        )
    finally:
        celery.stop()
        vendor.stop()
        connection.close()
    ids = [r["headers"]["webhook-id"] for r in vendor.received]
    assert ids.count(first_id) == 2  # sent again after the kill, same id
    assert _by_application(vendor)[str(application.pk)] == ["APPLIED", "SCREEN", "INTERVIEW"]
    for received in vendor.received:
        Webhook(secret).verify(received["body"], received["headers"])


def test_two_relays_at_once_send_each_event_once_and_in_order(transactional_db, tenant_a, tmp_path):
    redis_or_skip()
    vendor = FakeVendor()
    make_connection(tenant=tenant_a, url=vendor.url)
    version = make_version(tenant=tenant_a)
    applications = [make_tracked_application(tenant=tenant_a, version=version) for _ in range(6)]
    _moves(tenant_a, applications, times=3)
    celery = CeleryProcesses(tmp_path=tmp_path)
    try:
        celery.beat()
        celery.worker("one")
        celery.worker("two")
        celery.wait(lambda: len(vendor.received) >= 24, "not all 24 events were delivered")
        time.sleep(1.5)  # room for a duplicate to show
    finally:
        celery.stop()
        vendor.stop()
        connection.close()
    ids = [r["headers"]["webhook-id"] for r in vendor.received]
    assert len(ids) == len(set(ids)) == 24
    expected = ["APPLIED", "SCREEN", "INTERVIEW", "OFFER"]
    assert _by_application(vendor) == {str(a.pk): expected for a in applications}


class _Broker:
    """A redis-server of this test's own on a free port, to stop and start again."""

    def __init__(self, tmp_path: Path):
        if shutil.which("redis-server") is None:
            if os.environ.get("CI") == "true":
                pytest.fail("redis-server is required under CI")
            pytest.skip("redis-server is not installed")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._log = tmp_path / "redis.log"
        self._process = None
        self.start()

    def up(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=self._log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while not self.up():
            assert time.monotonic() < deadline, "the test's redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._process = None


def _undispatched(tenant) -> int:
    with tenant_context(tenant):
        return OutboxEvent.objects.filter(dispatched_at=None).count()


def test_with_the_broker_down_events_wait_in_the_outbox_and_go_when_it_returns(
    transactional_db, tenant_a, tmp_path
):
    broker = _Broker(tmp_path)
    vendor = FakeVendor()
    make_connection(tenant=tenant_a, url=vendor.url)
    application = make_tracked_application(tenant=tenant_a, version=make_version(tenant=tenant_a))
    celery = CeleryProcesses(tmp_path=tmp_path, redis_url=broker.url)
    try:
        celery.beat()
        celery.worker("worker")
        celery.wait(lambda: len(vendor.received) == 1, "the entry event was not delivered")
        broker.stop()
        _moves(tenant_a, [application], times=2)  # committed while no kick can reach a worker
        time.sleep(3)  # six beat intervals: nothing may move without the broker
        assert _undispatched(tenant_a) == 2
        assert len(vendor.received) == 1
        broker.start()
        celery.wait(
            lambda: len(_by_application(vendor).get(str(application.pk), ())) == 3,
            "the events that waited were not delivered after the broker returned",
        )
    finally:
        celery.stop()
        broker.stop()
        vendor.stop()
        connection.close()
    assert _by_application(vendor)[str(application.pk)] == ["APPLIED", "SCREEN", "INTERVIEW"]
    assert _undispatched(tenant_a) == 0


class _Rollback(Exception):
    pass


def test_a_change_rolled_back_after_its_outbox_write_sends_nothing(
    transactional_db, tenant_a, tmp_path
):
    redis_or_skip()
    vendor = FakeVendor()
    make_connection(tenant=tenant_a, url=vendor.url)
    version = make_version(tenant=tenant_a)
    rolled_back = make_tracked_application(tenant=tenant_a, version=version)
    celery = CeleryProcesses(tmp_path=tmp_path)
    try:
        celery.beat()
        celery.worker("worker")
        celery.wait(lambda: len(vendor.received) == 1, "the entry event was not delivered")
        with pytest.raises(_Rollback), transaction.atomic():
            _moves(tenant_a, [rolled_back], times=1)
            assert _undispatched(tenant_a) == 1  # written, inside the transaction
            time.sleep(2)  # the worker runs meanwhile: it must not see the row
            raise _Rollback
        assert _undispatched(tenant_a) == 0
        # A committed change after it: once it arrives, the relay has looked past the
        # rolled-back one, and only the committed events have been sent.
        committed = make_tracked_application(tenant=tenant_a, version=version)
        celery.wait(lambda: len(vendor.received) == 2, "the committed event was not sent")
        time.sleep(1.5)  # room for a stray delivery to show
    finally:
        celery.stop()
        vendor.stop()
        connection.close()
    assert _by_application(vendor) == {
        str(rolled_back.pk): ["APPLIED"],
        str(committed.pk): ["APPLIED"],
    }
