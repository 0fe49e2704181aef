"""Dead letters: deliveries that exhausted their attempts (or met a final answer), replayed
by an admin one by one or in bulk. A replay starts the retry schedule afresh with the same
`webhook-id`, and keeps each application's order: replayed letters go oldest first, and
later events of the same application wait behind them as before."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from integrations.errors import NotADeadLetter
from integrations.models import Delivery, DeliveryState
from tenants.actors import Actor


@transaction.atomic
def dead_letters_replay(*, deliveries: Iterable[Delivery], actor: Actor) -> list[Delivery]:
    """Put dead letters back in line; any delivery not dead-lettered -> 409."""
    now = timezone.now()
    ids = [d.pk for d in deliveries]
    locked = list(Delivery.objects.filter(pk__in=ids).select_for_update().order_by("position"))
    not_dead = [d for d in locked if d.state != DeliveryState.DEAD]
    if not_dead:
        raise NotADeadLetter(
            f"{len(not_dead)} of these deliveries are not dead letters (delivered or still "
            "being tried); only dead letters can be replayed.",
            fields={"ids": [str(d.pk) for d in not_dead]},
        )
    for delivery in locked:
        delivery.state = DeliveryState.PENDING
        delivery.attempts = 0
        delivery.next_attempt_at = now
        delivery.dead_at = None
        delivery.replays += 1
        delivery.updated_at = now
    Delivery.objects.bulk_update(
        locked, ["state", "attempts", "next_attempt_at", "dead_at", "replays", "updated_at"]
    )
    if locked:
        audit_record(
            action="dead_letters.replayed",
            tenant_id=locked[0].tenant_id,
            actor=actor,
            object_type="integrations.Delivery",
            object_id=str(locked[0].pk) if len(locked) == 1 else "",
            data={"count": len(locked), "delivery_ids": [str(d.pk) for d in locked[:100]]},
        )
        transaction.on_commit(_kick)
    return locked


def _kick() -> None:
    from integrations.subscribers import relay_kick

    relay_kick(None)
