"""Domain events: how what follows a change hears of it, without the changing app knowing.

A service that changes state publishes one small frozen dataclass (`MilestoneMoved`,
`ObjectChanged`). Subscribers register in their own `AppConfig.ready()` for one of two
moments:

- `IN_TRANSACTION`: called at once, inside the publisher's transaction. For rows that must
  commit or roll back with the change (an audit event, an outbox row): a rollback leaves
  nothing, a commit loses nothing. An exception here rolls the change back.
- `WITH_STATEMENT`: like `IN_TRANSACTION`, but the handler returns unsaved model rows
  instead of saving them (the outbox row of a move). A publisher that writes its change in
  one statement adds them to it (`statement_rows`, then `publish(..., rows_written=True)`);
  for any other publisher `publish` saves them itself, one INSERT per model. Either way they
  commit or roll back with the change.
- `AFTER_COMMIT`: called once the outermost transaction commits (`transaction.on_commit`),
  never for a rollback. For what leaves the process or may fail on its own (mail, task
  kicks, read models); an exception here is logged and does not undo the change.

The publisher imports only this module and its own event classes, so imports keep pointing
down the layers (Saleor's `on_commit(lambda: manager.order_cancelled(order))`, Oscar's
signals). A subscriber registered for a class hears its subclasses too.
"""

from __future__ import annotations

import contextlib
import enum
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from django.db import connection, transaction

logger = logging.getLogger(__name__)


class Moment(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    WITH_STATEMENT = "with_statement"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """What every event carries: the tenant it happened in."""

    tenant_id: Any


@dataclass(frozen=True, slots=True)
class OutboundEvent(DomainEvent):
    """A domain event other systems learn of (the integrations outbox sends it).

    Apps beside integrations (approvals) cannot import it, so an event says itself how it
    leaves: `outbound_type` is its public name (`approval.requested`), `ordering_key()` what
    orders it per receiver (events of one key arrive in order; an application id, an offer
    id), and `outbound_data()` its `data` document: ids, codes and states, never candidate
    personal data. The outbox subscribes to this class once and hears every subclass.
    """

    outbound_type: ClassVar[str] = ""

    def ordering_key(self) -> Any:
        raise NotImplementedError

    def outbound_data(self) -> dict:
        raise NotImplementedError


E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]

_subscribers: dict[type, list[tuple[Moment, Handler]]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None], *, moment: Moment) -> None:
    """Call `handler(event)` at `moment` for every published `event_type` (or subclass).
    Registering the same handler twice for one type and moment is a no-op (`ready()` may
    run more than once in tests)."""
    entry = (moment, handler)
    handlers = _subscribers.setdefault(event_type, [])
    if entry not in handlers:
        handlers.append(entry)


def unsubscribe(event_type: type, handler: Handler, *, moment: Moment) -> None:
    with contextlib.suppress(ValueError):
        _subscribers.get(event_type, []).remove((moment, handler))


@contextlib.contextmanager
def subscribed(event_type: type[E], handler: Callable[[E], None], *, moment: Moment) -> Iterator:
    """A subscription for the length of a block (tests, one-off jobs)."""
    subscribe(event_type, handler, moment=moment)
    try:
        yield
    finally:
        unsubscribe(event_type, handler, moment=moment)


def _handlers(event: DomainEvent, moment: Moment) -> list[Handler]:
    found: list[Handler] = []
    for klass in type(event).__mro__:
        found += [h for m, h in _subscribers.get(klass, ()) if m is moment and h not in found]
    return found


def has_subscribers(event_type: type[DomainEvent], *, moment: Moment) -> bool:
    """Whether publishing `event_type` would call anyone at `moment` (lets a hot path skip
    building events nobody hears)."""
    return any(m is moment for klass in event_type.__mro__ for m, _ in _subscribers.get(klass, ()))


def statement_rows(event: DomainEvent) -> list:
    """The unsaved rows `event`'s WITH_STATEMENT subscribers want written with the change.
    The caller writes them in its own statement and then publishes with `rows_written=True`."""
    rows: list = []
    for handler in _handlers(event, Moment.WITH_STATEMENT):
        rows += handler(event) or ()
    return rows


def publish(event: DomainEvent, *, rows_written: bool = False) -> None:
    """Deliver `event` to its in-transaction subscribers now and queue its after-commit ones.
    Must run inside the transaction of the change it describes (so a rollback takes both).
    `rows_written` says the publisher already wrote the event's `statement_rows`."""
    publish_many([event], rows_written=rows_written)


def publish_many(events: list[DomainEvent], *, rows_written: bool = False) -> None:
    """`publish` for a batch (a sweep): each subscriber is called once per event, in order."""
    if not events:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("publish() runs inside the transaction of the change it describes")
    if not rows_written:
        _save_rows([row for event in events for row in statement_rows(event)])
    for event in events:
        for handler in _handlers(event, Moment.IN_TRANSACTION):
            handler(event)
    for event in events:
        for handler in _handlers(event, Moment.AFTER_COMMIT):
            transaction.on_commit(_guarded(handler, event))


def _save_rows(rows: list) -> None:
    by_model: dict[type, list] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, batch in by_model.items():
        model._base_manager.bulk_create(batch)


def _guarded(handler: Handler, event: DomainEvent) -> Callable[[], None]:
    def run() -> None:
        try:
            handler(event)
        except Exception:  # the change has committed; one subscriber must not stop the rest
            logger.exception("after-commit subscriber %r failed for %r", handler, event)

    return run
