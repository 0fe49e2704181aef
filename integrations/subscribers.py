"""What integrations does when others change things: wake the relay after commits that
wrote events; note when a syncable field changed on our side (per-field precedence)."""

from __future__ import annotations

import logging
import time

from django.conf import settings

from ats_milestones.events import Moment, subscribe
from integrations.outbox import OUTBOX_EVENT_CLASSES
from integrations.services.field_sync import field_versions_record_ours
from tenants.events import ObjectChanged

KICK_EVERY_S = 0.2  # at most one kick per process this often; beat sweeps up the rest
logger = logging.getLogger(__name__)
_last_kick = 0.0


def relay_kick(event) -> None:
    """Ask a relay worker to run now (debounced: a burst of moves sends one message)."""
    global _last_kick
    if not settings.INTEGRATIONS_RELAY_KICK:
        return
    now = time.monotonic()
    if now - _last_kick < KICK_EVERY_S:
        return
    _last_kick = now
    from integrations.tasks import integrations_relay_task

    # retry=False: with the broker down the change has committed and beat sends it later.
    integrations_relay_task.apply_async(queue=settings.INTEGRATIONS_QUEUE, expires=60, retry=False)


def connect() -> None:
    for event_type in OUTBOX_EVENT_CLASSES:
        subscribe(event_type, relay_kick, moment=Moment.AFTER_COMMIT)
    subscribe(ObjectChanged, field_versions_record_ours, moment=Moment.IN_TRANSACTION)
