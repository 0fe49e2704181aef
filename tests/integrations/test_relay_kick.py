"""The relay's kick after a commit: sent to the real broker from the kicker's own thread, so
the commit's request never waits on the broker; a burst of commits is one or two kicks (one
at once, one at the end of the interval), never none and never one per commit."""

from __future__ import annotations

import time

import pytest
import redis

from ats_milestones.celery import app
from integrations import subscribers
from tests.support import redis_or_skip


@pytest.fixture
def real_broker(settings):
    url = app.conf.broker_url or ""
    if not url.startswith("redis"):
        pytest.skip("the kick is checked against Redis (REDIS_URL unset: filesystem broker)")
    redis_or_skip(url)  # this run's own database (REDIS_URL), flushed
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # sent to the broker, as the server sends it
    settings.INTEGRATIONS_RELAY_KICK = True
    client = redis.Redis.from_url(url)
    yield client
    app.conf.task_always_eager = eager
    client.delete(settings.INTEGRATIONS_QUEUE)


def _queued(client, queue: str, at_least: int) -> int:
    for _ in range(100):  # the kicker's thread sends it; poll, no timing asserted
        if client.llen(queue) >= at_least:
            break
        time.sleep(0.05)
    return client.llen(queue)


def test_a_burst_of_kicks_reaches_the_relay_queue_once_or_twice(real_broker, settings):
    for _ in range(50):
        subscribers.relay_kick(None)
    assert _queued(real_broker, settings.INTEGRATIONS_QUEUE, at_least=2) in (1, 2)


def test_a_kick_after_the_interval_is_sent_again(real_broker, settings):
    subscribers.relay_kick(None)
    first = _queued(real_broker, settings.INTEGRATIONS_QUEUE, at_least=1)
    assert first >= 1
    time.sleep(subscribers.KICK_EVERY_S * 2)  # the kicker is idle again
    subscribers.relay_kick(None)
    assert _queued(real_broker, settings.INTEGRATIONS_QUEUE, at_least=first + 1) == first + 1
