"""Reading the audit trail: the auditor's search (page, API and CSV share it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db.models import QuerySet

from audit.models import AuditAction, AuditEvent
from tenants.models import ApiClient
from tenants.people import user_names


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


def audit_action_choices() -> list[tuple[str, str]]:
    """(action, its words) of every action named in words, for the search form's
    suggestions: a list the code holds, where a DISTINCT over the trail would read every
    row of the tenant's history."""
    return sorted(_LABELS.items())


# What each action is called, read after who did it ("Aiko Tanaka: Moved a candidate"): the
# kernel's here, the apps' above audit registered from their AppConfig.ready.
_LABELS: dict[str, str] = {code: str(label) for code, label in AuditAction.choices}


def register_action_labels(labels: Mapping[str, str]) -> None:
    """Name an app's audit actions in words (called from its AppConfig.ready)."""
    _LABELS.update(labels)


def named_actions() -> frozenset[str]:
    """The actions registered with their words."""
    return frozenset(_LABELS)


def action_label(action: str) -> str:
    """A registered action by its words; any other from its code ("x.thing_done" -> "X thing
    done")."""
    if action in _LABELS:
        return _LABELS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()


def actor_names(events: Iterable[AuditEvent]) -> dict[tuple[str, object], str]:
    """("user", id) / ("client", id) -> a name to show, for a page of events: two queries."""
    events = list(events)
    user_ids = {e.actor_user_id for e in events if e.actor_user_id is not None}
    user_ids |= {e.on_behalf_of_user_id for e in events if e.on_behalf_of_user_id is not None}
    client_ids = {e.actor_api_client_id for e in events if e.actor_api_client_id is not None}
    names: dict[tuple[str, object], str] = {}
    if user_ids:
        names.update({("user", pk): name for pk, name in user_names(user_ids).items()})
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
