"""Reading the audit trail: the auditor's search (page, API and CSV share it)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from audit.models import AuditAction, AuditEvent
from tenants.models import ApiClient


def audit_event_search(
    *,
    actor_user_id: int | None = None,
    actor_api_client_id=None,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    before_seq: int | None = None,
    request_id: str = "",
    on_behalf_of_user_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """The current tenant's audit events, newest first (by their place in the chain).
    `action` ending in "." matches every action under it ("milestone.")."""
    events = AuditEvent.objects.all()
    if actor_user_id is not None:
        events = events.filter(actor_user_id=actor_user_id)
    if actor_api_client_id is not None:
        events = events.filter(actor_api_client_id=actor_api_client_id)
    if action:
        events = (
            events.filter(action__startswith=action)
            if action.endswith(".")
            else events.filter(action=action)
        )
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    if request_id:
        events = events.filter(request_id=request_id)
    if on_behalf_of_user_id is not None:
        events = events.filter(on_behalf_of_user_id=on_behalf_of_user_id)
    return events.order_by("-seq")


def audit_action_choices() -> list[str]:
    """Every action this tenant's trail holds, for the search form's suggestions."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


_LABELS = dict(AuditAction.choices)


def action_label(action: str) -> str:
    """ "milestone.transitioned" -> "Milestone transitioned" (a known action by its label)."""
    if action in _LABELS:
        return str(_LABELS[action])
    return action.replace(".", " ").replace("_", " ").capitalize()


def actor_names(events: Iterable[AuditEvent]) -> dict[tuple[str, object], str]:
    """("user", id) / ("client", id) -> a name to show, for a page of events: two queries."""
    events = list(events)
    user_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    user_ids |= {e.on_behalf_of_user_id for e in events if e.on_behalf_of_user_id is not None}
    client_ids = {e.actor_api_client_id for e in events if e.actor_api_client_id is not None}
    names: dict[tuple[str, object], str] = {}
    if user_ids:
        users = get_user_model().objects.filter(pk__in=user_ids)
        # The name people read, the username only for someone without one.
        names.update({("user", u.pk): u.get_full_name() or u.get_username() for u in users})
    if client_ids:
        clients = ApiClient.objects.filter(pk__in=client_ids).values_list("pk", "name")
        names.update({("client", pk): f"API client {name}" for pk, name in clients})
    return names


def actor_name(event: AuditEvent, names: dict) -> str:
    if event.actor_api_client_id is not None:
        client = names.get(("client", event.actor_api_client_id), "an API client")
        if event.on_behalf_of_user_id is not None:
            person = names.get(("user", event.on_behalf_of_user_id))
            return f"{client} on behalf of {person or f'user #{event.on_behalf_of_user_id}'}"
        return client
    if event.actor_user_id is not None:
        return names.get(("user", event.actor_user_id), f"user #{event.actor_user_id}")
    return "System"
