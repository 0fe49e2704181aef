"""What integrations does when others change things: wake the relay after commits that
wrote events; note when a syncable field changed on our side (per-field precedence). And
what it does after its own changes commit: queue the background-check tasks."""

from __future__ import annotations

import logging
import os
import threading
import time

from django.conf import settings

from ats_milestones.events import Moment, subscribe
from integrations.events import AdverseActionStarted, BackgroundCheckOrderDue
from integrations.outbox import OUTBOX_EVENT_CLASSES
from integrations.services.field_sync import field_versions_record_ours
from tenants.events import ObjectChanged

KICK_EVERY_S = 0.2  # at most one kick per process this often; beat sweeps up the rest
logger = logging.getLogger(__name__)


class _Kicker:
    """Sends the relay's kicks from a daemon thread of its own, one per process (started on
    the first kick after a fork): a commit only sets an event, and never waits on the
    broker. The thread sends one kick, then sleeps KICK_EVERY_S; the commits of that
    interval are one kick sent at its end (before, they were dropped and waited for beat)."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._wake = threading.Event()
        self._start = threading.Lock()

    def kick(self) -> None:
        if self._pid != os.getpid():
            with self._start:
                if self._pid != os.getpid():  # a forked worker has no thread: start one
                    self._wake = threading.Event()
                    thread = threading.Thread(
                        target=self._run, args=(self._wake,), name="relay-kick", daemon=True
                    )
                    thread.start()
                    self._pid = os.getpid()
        self._wake.set()

    def _run(self, wake: threading.Event) -> None:
        from integrations.tasks import integrations_relay_task

        while True:
            wake.wait()
            wake.clear()
            try:
                # retry=False: with the broker down the change has committed and beat sends
                # it later.
                integrations_relay_task.apply_async(
                    queue=settings.INTEGRATIONS_QUEUE, expires=60, retry=False
                )
            except Exception:  # the broker
                logger.exception("could not kick the relay; beat will sweep the outbox")
            time.sleep(KICK_EVERY_S)


_kicker = _Kicker()


def relay_kick(event) -> None:
    """Ask a relay worker to run now (coalesced: a burst of moves sends one message, from
    the kicker's thread, so no request waits on the broker)."""
    if not settings.INTEGRATIONS_RELAY_KICK:
        return
    _kicker.kick()


def background_check_order_queue(event: BackgroundCheckOrderDue) -> None:
    """Queue the vendor order; with the broker down the check stays `ordering` (logged) and
    the resume sweep queues it again later; the change that asked for it stands."""
    from integrations.tasks import background_check_order_task

    try:
        background_check_order_task.apply_async(
            kwargs={"tenant_id": str(event.tenant_id), "check_id": str(event.check_id)},
            retry=False,
        )
    except Exception:  # the broker
        logger.exception("could not queue the order of background check %s", event.check_id)


def pre_adverse_notice_queue(event: AdverseActionStarted) -> None:
    """Queue the vendor's pre-adverse notice; with the broker down it is not sent (logged)."""
    from integrations.tasks import background_check_pre_adverse_task

    try:
        background_check_pre_adverse_task.apply_async(
            kwargs={"tenant_id": str(event.tenant_id), "check_id": str(event.check_id)},
            retry=False,
        )
    except Exception:  # the broker: the result has committed; the notice is not sent
        logger.exception("could not queue the pre-adverse notice of check %s", event.check_id)


def connect() -> None:
    for event_type in OUTBOX_EVENT_CLASSES:
        subscribe(event_type, relay_kick, moment=Moment.AFTER_COMMIT)
    subscribe(BackgroundCheckOrderDue, background_check_order_queue, moment=Moment.AFTER_COMMIT)
    subscribe(AdverseActionStarted, pre_adverse_notice_queue, moment=Moment.AFTER_COMMIT)
    subscribe(ObjectChanged, field_versions_record_ours, moment=Moment.IN_TRANSACTION)
