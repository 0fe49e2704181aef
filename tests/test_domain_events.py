"""The domain-event seam (ats_milestones/events.py) on its own: the two moments a subscriber
chooses, what a rollback leaves, and a failing after-commit subscriber."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from django.db import transaction

from ats_milestones.events import DomainEvent, Moment, publish, subscribed

pytestmark = pytest.mark.django_db


@dataclass(frozen=True, slots=True)
class Happened(DomainEvent):
    what: str


@dataclass(frozen=True, slots=True)
class HappenedTwice(Happened):
    pass


def test_in_transaction_subscribers_hear_at_once_and_after_commit_ones_on_commit(
    django_capture_on_commit_callbacks,
):
    heard: list[tuple[str, str]] = []
    now = subscribed(
        Happened, lambda e: heard.append(("now", e.what)), moment=Moment.IN_TRANSACTION
    )
    later = subscribed(
        Happened, lambda e: heard.append(("later", e.what)), moment=Moment.AFTER_COMMIT
    )
    with now, later, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish(Happened(tenant_id=None, what="a"))
            assert heard == [("now", "a")]
    assert heard == [("now", "a"), ("later", "a")]


def test_a_rolled_back_change_sends_nothing_after_commit(django_capture_on_commit_callbacks):
    heard: list[str] = []
    with (
        subscribed(Happened, lambda e: heard.append(e.what), moment=Moment.AFTER_COMMIT),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(Happened(tenant_id=None, what="rolled back"))
            raise RuntimeError("the change fails")
    assert callbacks == []
    assert heard == []


def test_a_subscriber_to_a_class_hears_its_subclasses(django_capture_on_commit_callbacks):
    heard: list[str] = []
    with subscribed(
        Happened, lambda e: heard.append(type(e).__name__), moment=Moment.IN_TRANSACTION
    ):
        with transaction.atomic():
            publish(HappenedTwice(tenant_id=None, what="b"))
    assert heard == ["HappenedTwice"]


def test_a_failing_after_commit_subscriber_is_logged_and_the_next_one_still_runs(
    django_capture_on_commit_callbacks, caplog
):
    heard: list[str] = []

    def fails(event):
        raise ConnectionError("the broker is down")

    with (
        subscribed(Happened, fails, moment=Moment.AFTER_COMMIT),
        subscribed(Happened, lambda e: heard.append(e.what), moment=Moment.AFTER_COMMIT),
        caplog.at_level(logging.ERROR, logger="ats_milestones.events"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        with transaction.atomic():
            publish(Happened(tenant_id=None, what="c"))
    assert heard == ["c"]
    assert "after-commit subscriber" in caplog.text
