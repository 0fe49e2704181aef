"""Per-field precedence between us and a peer system, and the conflicts it records.

A connection may update a whitelist of a candidate's and an application's own fields
(`SYNCABLE_FIELDS`). Per connection and field a rule says who owns it:

- `ats_owns`: their value is ignored;
- `external_owns`: their value is taken;
- `latest_wins` (the default): theirs is taken when the source's own timestamp is later
  than our last change of the field.

`FieldVersion` keeps when each field last changed on our side (a person, an API client,
the system: heard through `ObjectChanged`) and the source timestamp each connection last
told us. An update older than what the connection told us before is ignored, so state is
never rolled back. When both sides changed a field since the connection's last sync, a
`SyncConflict` records both values and times and the rule applied; an admin resolves it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ats_milestones.errors import Conflict, InvalidInput, InvalidReference
from audit.services import audit_record
from integrations.errors import IntegrationErrorCode
from integrations.models import (
    ConflictChoice,
    ConflictStatus,
    Connection,
    FieldPrecedence,
    FieldVersion,
    PrecedenceRule,
    SyncConflict,
)
from recruiting.models import Application, Candidate
from recruiting.services import application_update, candidate_update
from tenants.actors import Actor
from tenants.events import ObjectChanged

CANDIDATE, APPLICATION = "candidate", "application"


@dataclass(frozen=True)
class SyncableField:
    name: str  # what peers send and precedence names: "candidate.email"
    object_type: str
    attribute: str
    label: str


SYNCABLE_FIELDS: dict[str, SyncableField] = {
    f.name: f
    for f in (
        SyncableField("candidate.first_name", CANDIDATE, "first_name", "Candidate's first name"),
        SyncableField("candidate.last_name", CANDIDATE, "last_name", "Candidate's last name"),
        SyncableField("candidate.email", CANDIDATE, "email", "Candidate's email"),
        SyncableField("candidate.phone", CANDIDATE, "phone", "Candidate's phone"),
        SyncableField("candidate.external_id", CANDIDATE, "external_id", "Candidate's external id"),
        SyncableField("application.source", APPLICATION, "source", "Application source"),
        SyncableField(
            "application.external_id", APPLICATION, "external_id", "Application's external id"
        ),
    )
}
_BY_MODEL = {
    "recruiting.Candidate": CANDIDATE,
    "recruiting.Application": APPLICATION,
}
AUDIT_OBJECT_CONFLICT = "integrations.SyncConflict"


def connection_actor(connection: Connection) -> Actor:
    """A peer system acting through a verified inbound webhook."""
    return Actor(connection_id=connection.pk)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(
        message, code=IntegrationErrorCode.INVALID_INBOUND_EVENT, fields={field: [message]}
    )


# -- precedence ---------------------------------------------------------------------


def field_precedence_of(connection: Connection) -> dict[str, str]:
    """Every syncable field with the connection's rule for it (latest wins by default)."""
    rules = dict(FieldPrecedence.objects.filter(connection=connection).values_list("field", "rule"))
    return {name: rules.get(name, PrecedenceRule.LATEST_WINS) for name in SYNCABLE_FIELDS}


@transaction.atomic
def field_precedence_set(
    *, connection: Connection, actor: Actor, rules: dict[str, str]
) -> dict[str, str]:
    """Set the rule of the fields `rules` names (the others keep theirs); returns all."""
    for name, rule in rules.items():
        if name not in SYNCABLE_FIELDS:
            raise _precedence_invalid(
                name, f"Not a syncable field. Syncable: {', '.join(SYNCABLE_FIELDS)}."
            )
        if rule not in PrecedenceRule.values:
            raise _precedence_invalid(name, f"A rule is one of {', '.join(PrecedenceRule.values)}.")
    if rules:
        FieldPrecedence.objects.bulk_create(
            [
                FieldPrecedence(
                    tenant_id=connection.tenant_id, connection=connection, field=n, rule=r
                )
                for n, r in rules.items()
            ],
            update_conflicts=True,
            unique_fields=["tenant", "connection", "field"],
            update_fields=["rule", "updated_at"],
        )
        audit_record(
            action="connection.field_precedence_set",
            tenant_id=connection.tenant_id,
            actor=actor,
            object_type="integrations.Connection",
            object_id=str(connection.pk),
            data={"rules": dict(sorted(rules.items()))},
        )
    return field_precedence_of(connection)


def _precedence_invalid(name: str, message: str) -> InvalidInput:
    return InvalidInput(
        message, code=IntegrationErrorCode.INVALID_CONNECTION, fields={f"rules.{name}": [message]}
    )


# -- our side's changes -------------------------------------------------------------


def field_versions_record_ours(event: ObjectChanged) -> None:
    """A person, an API client or the system changed syncable fields: note when (in the
    transaction of the change). A connection's own changes are recorded by the sync."""
    object_type = _BY_MODEL.get(event.object_type)
    if object_type is None or event.action != "object.updated":
        return
    if event.actor.connection_id is not None:
        return
    names = [
        f.name
        for f in SYNCABLE_FIELDS.values()
        if f.object_type == object_type and f.attribute in event.fields
    ]
    if names:
        _versions_upsert(
            tenant_id=event.tenant_id,
            object_type=object_type,
            object_id=uuid.UUID(event.object_id),
            names=names,
            connection=None,
            changed_at=timezone.now(),
        )


def _versions_upsert(
    *, tenant_id, object_type, object_id, names, connection, changed_at, synced_at=None
) -> None:
    now = synced_at or timezone.now()
    FieldVersion.objects.bulk_create(
        [
            FieldVersion(
                tenant_id=tenant_id,
                object_type=object_type,
                object_id=object_id,
                field=name,
                connection=connection,
                changed_at=changed_at,
                synced_at=now,
            )
            for name in names
        ],
        update_conflicts=True,
        unique_fields=["tenant", "object_type", "object_id", "field", "connection"],
        update_fields=["changed_at", "synced_at", "updated_at"],
    )


# -- their side: an application.updated event ---------------------------------------


def _application_of(data: dict) -> Application:
    application_id, external_id = data.get("application_id"), data.get("application_external_id")
    if bool(application_id) == bool(external_id):
        raise _invalid("data.application_id", "Give application_id or application_external_id.")
    if application_id:
        try:
            lookup = {"pk": uuid.UUID(str(application_id))}
        except ValueError:
            raise _invalid("data.application_id", "Not a valid id.") from None
    else:
        lookup = {"external_id": str(external_id)}
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .filter(**lookup)
        .first()
    )
    if application is None:
        name = "data.application_id" if application_id else "data.application_external_id"
        # An id in a body that is not ours: 400 naming it, as every body reference (api.md).
        raise InvalidReference(
            "No such application in your tenant.", fields={name: ["No such application."]}
        )
    return application


def timestamp_parse(raw, *, field: str) -> datetime:
    """An ISO-8601 timestamp with its zone from a peer's body, or 400 naming `field`."""
    try:
        at = datetime.fromisoformat(raw.replace("Z", "+00:00")) if isinstance(raw, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _invalid(field, "An ISO-8601 timestamp with its zone, e.g. 2026-12-01T10:00:00Z.")
    return at


def _cleaned(field: SyncableField, model, target, value: Any) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(f"data.fields.{field.name}", "A text value.")
    try:
        return model._meta.get_field(field.attribute).clean(value.strip(), target)
    except ValidationError as exc:
        raise _invalid(f"data.fields.{field.name}", " ".join(exc.messages)) from None


def application_updated_apply(
    *, connection: Connection, data: dict, receipt_id=None, now: datetime | None = None
) -> dict:
    """Apply a peer's changes to an application's and its candidate's syncable fields by
    the connection's precedence (see the module docstring). Returns what happened to each
    field: applied, unchanged, kept (ours won) or ignored as older than a previous update."""
    if not isinstance(data, dict):
        raise _invalid("data", "An object.")
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        raise _invalid("data.fields", "An object of field names to values.")
    unknown = sorted(set(fields) - set(SYNCABLE_FIELDS))
    if unknown:
        raise _invalid(
            f"data.fields.{unknown[0]}",
            f"Not a syncable field. Syncable: {', '.join(SYNCABLE_FIELDS)}.",
        )
    source_at = timestamp_parse(data.get("updated_at"), field="data.updated_at")
    now = now or timezone.now()
    application = _application_of(data)
    candidate = Candidate.objects.select_for_update().get(pk=application.candidate_id)
    targets = {CANDIDATE: (Candidate, candidate), APPLICATION: (Application, application)}
    wanted = {
        name: _cleaned(SYNCABLE_FIELDS[name], *targets[SYNCABLE_FIELDS[name].object_type], value)
        for name, value in fields.items()
    }
    rules = field_precedence_of(connection)
    versions = {
        (v.object_type, v.field, v.connection_id): v
        for v in FieldVersion.objects.filter(
            Q(connection__isnull=True) | Q(connection=connection),
            object_id__in=[candidate.pk, application.pk],
            field__in=list(wanted),
        )
    }
    outcome: dict[str, str] = {}
    changes: dict[str, dict[str, str]] = {CANDIDATE: {}, APPLICATION: {}}
    synced: dict[str, list[str]] = {CANDIDATE: [], APPLICATION: []}
    conflicts: list[SyncConflict] = []
    for name, value in wanted.items():
        field = SYNCABLE_FIELDS[name]
        target = targets[field.object_type][1]
        theirs_last = versions.get((field.object_type, name, connection.pk))
        ours = versions.get((field.object_type, name, None))
        if theirs_last is not None and source_at <= theirs_last.changed_at:
            outcome[name] = "ignored_older"  # never roll back to what they said before
            continue
        synced[field.object_type].append(name)
        current = getattr(target, field.attribute)
        if value == current:
            outcome[name] = "unchanged"
            continue
        rule = rules[name]
        ours_at = ours.changed_at if ours is not None else target.created_at
        if rule == PrecedenceRule.ATS_OWNS:
            take = False
        elif rule == PrecedenceRule.EXTERNAL_OWNS:
            take = True
        else:
            take = source_at > ours_at
        if ours is not None and (theirs_last is None or ours.changed_at > theirs_last.synced_at):
            conflicts.append(
                SyncConflict(
                    tenant_id=connection.tenant_id,
                    connection=connection,
                    receipt_id=receipt_id,
                    object_type=field.object_type,
                    object_id=target.pk,
                    application=application,
                    field=name,
                    ours_value=current,
                    ours_changed_at=ours.changed_at,
                    theirs_value=value,
                    theirs_changed_at=source_at,
                    rule=rule,
                    applied=ConflictChoice.THEIRS if take else ConflictChoice.OURS,
                )
            )
        if take:
            changes[field.object_type][field.attribute] = value
        outcome[name] = "applied" if take else "kept_ours"
    actor = connection_actor(connection)
    if changes[CANDIDATE]:
        candidate_update(candidate=candidate, actor=actor, changes=changes[CANDIDATE])
    if changes[APPLICATION]:
        application_update(application=application, actor=actor, changes=changes[APPLICATION])
    for object_type, names in synced.items():
        if names:
            _versions_upsert(
                tenant_id=connection.tenant_id,
                object_type=object_type,
                object_id=targets[object_type][1].pk,
                names=names,
                connection=connection,
                changed_at=source_at,
                synced_at=now,
            )
    SyncConflict.objects.bulk_create(conflicts)
    return {
        "application_id": str(application.pk),
        "fields": outcome,
        "conflicts": [str(c.pk) for c in conflicts],
    }


# -- conflicts ------------------------------------------------------------------------


@transaction.atomic
def sync_conflict_resolve(*, conflict: SyncConflict, actor: Actor, choose: str) -> SyncConflict:
    """An admin keeps our value or takes theirs; the field is set to the chosen value (a
    change of ours, so a later older update of theirs does not undo it)."""
    locked = SyncConflict.objects.select_for_update().get(pk=conflict.pk)
    if locked.status != ConflictStatus.OPEN:
        raise Conflict(
            "This conflict is resolved already.",
            code=IntegrationErrorCode.CONFLICT_RESOLVED,
            fields={"choose": ["Resolved already."]},
        )
    if choose not in ConflictChoice.values:
        raise _invalid("choose", "ours or theirs.")
    field = SYNCABLE_FIELDS[locked.field]
    value = locked.ours_value if choose == ConflictChoice.OURS else locked.theirs_value
    if field.object_type == CANDIDATE:
        candidate = Candidate.objects.select_for_update().get(pk=locked.object_id)
        candidate_update(candidate=candidate, actor=actor, changes={field.attribute: value})
    else:
        application = Application.objects.get(pk=locked.object_id)
        application_update(application=application, actor=actor, changes={field.attribute: value})
    locked.status, locked.resolution = ConflictStatus.RESOLVED, choose
    locked.resolved_by_id, locked.resolved_at = actor.user_id, timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "updated_at"])
    audit_record(
        action="sync_conflict.resolved",
        tenant_id=locked.tenant_id,
        actor=actor,
        object_type=AUDIT_OBJECT_CONFLICT,
        object_id=str(locked.pk),
        data={"field": locked.field, "choose": choose, "connection_id": str(locked.connection_id)},
    )
    return locked
