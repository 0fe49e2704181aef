"""The import of a legacy stage history: valid rows become milestone transitions.

An import is all or nothing (see `rows`). A valid batch is written in one transaction with
a constant number of statements, however many rows it has (bulk INSERTs, one set-based
UPDATE per table). What an imported history means for the milestone rows is described in
docs/milestones.md.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from milestones.models import (
    ApplicationMilestone,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    TransitionKind,
)
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor
from tenants.context import current_tenant_id

from .bulk import insert_rows, server_bound_execute
from .rows import LegacyImportInvalid, ResolvedRow, legacy_rows_resolve

AUDIT_IMPORTED = "milestone.history_imported"


@dataclass(frozen=True)
class LegacyImportResult:
    rows: int
    applications: int
    transitions: int
    milestone_rows_created: int
    milestone_rows_updated: int
    dry_run: bool

    def as_dict(self) -> dict:
        return asdict(self)


def legacy_history_import(
    *,
    source_system: str,
    rows: Sequence[Mapping],
    lines: Sequence[int] | None = None,
    actor: Actor = SYSTEM,
    dry_run: bool = False,
    now: datetime | None = None,
) -> LegacyImportResult:
    """Write the legacy stage history `rows` (dicts of ROW_FIELDS) of `source_system`.

    `lines` numbers the rows in errors (default 1, 2, ...; a CSV passes its file lines).
    Raises LegacyImportInvalid (422) listing every error and writes nothing; with
    `dry_run` validates only.
    """
    with transaction.atomic():
        errors, resolved, definitions = legacy_rows_resolve(
            source_system=source_system, rows=rows, lines=lines, application_lock=not dry_run
        )
        if errors:
            raise LegacyImportInvalid(
                f"{len(errors)} error(s) in the import; nothing was written",
                fields={"rows": errors},
            )
        if dry_run:
            return LegacyImportResult(
                rows=len(resolved),
                applications=len({r.application.pk for r in resolved}),
                transitions=len(resolved),
                milestone_rows_created=0,
                milestone_rows_updated=0,
                dry_run=True,
            )
        return _write(
            source_system=source_system,
            resolved=resolved,
            definitions=definitions,
            actor=actor,
            now=now or timezone.now(),
        )


TRANSITION_COLUMNS = (
    "application_id",
    "from_milestone_id",
    "to_milestone_id",
    "kind",
    "at",
    "application_version",
)
MILESTONE_ROW_COLUMNS = (
    "application_id",
    "requisition_id",
    "milestone_id",
    "state",
    "entered_at",
    "completed_at",
    "due_at",
)


def _write(*, source_system, resolved, definitions, actor: Actor, now):
    tenant_id = current_tenant_id()
    by_application: dict[uuid.UUID, list[ResolvedRow]] = defaultdict(list)
    for row in resolved:
        by_application[row.application.pk].append(row)
    applications = {row.application.pk: row.application for row in resolved}
    existing = defaultdict(dict)
    for row_id, application_id, milestone_id, state in ApplicationMilestone.objects.filter(
        application_id__in=list(by_application)
    ).values_list("id", "application_id", "milestone_id", "state"):
        existing[application_id][milestone_id] = (row_id, state)
    version_milestones = defaultdict(list)
    for (version_id, _code), definition in definitions.items():
        version_milestones[version_id].append(definition)

    transitions: list[tuple] = []  # TRANSITION_COLUMNS
    creates: list[tuple] = []  # MILESTONE_ROW_COLUMNS
    updates: list[tuple] = []  # (id, state, entered_at, completed_at, due_at)
    current: dict[uuid.UUID, uuid.UUID | None] = {}
    for application_id, history in by_application.items():
        application = applications[application_id]
        new_version = application.version + 1
        history.sort(key=lambda r: (r.entered_at, r.line))
        previous = None
        for index, row in enumerate(history):
            first_ever = index == 0 and not existing[application_id]
            transitions.append(
                (
                    application_id,
                    previous,
                    row.definition.pk,
                    TransitionKind.INITIALIZE if first_ever else TransitionKind.ADVANCE,
                    row.entered_at,
                    new_version,
                )
            )
            previous = row.definition.pk

        # One state per milestone: entered when first entered; completed when every
        # imported stay in it has ended, else active since its open stay began.
        states: dict[uuid.UUID, tuple] = {}
        by_milestone = defaultdict(list)
        for row in history:
            by_milestone[row.definition.pk].append(row)
        open_row = next((r for r in history if r.left_at is None), None)
        for milestone_id, stays in by_milestone.items():
            definition = stays[0].definition
            entered = min(s.entered_at for s in stays)
            if open_row is not None and open_row.definition.pk == milestone_id:
                due = open_row.entered_at + definition.sla if definition.sla else None
                states[milestone_id] = (MilestoneState.ACTIVE, open_row.entered_at, None, due)
            else:
                done = max(s.left_at for s in stays)
                states[milestone_id] = (MilestoneState.COMPLETED, entered, done, None)
        if open_row is not None:
            # The legacy system moved on: nothing else stays active.
            for milestone_id, (row_id, state) in existing[application_id].items():
                if state == MilestoneState.ACTIVE and milestone_id not in states:
                    updates.append(
                        (row_id, MilestoneState.COMPLETED, None, open_row.entered_at, None)
                    )
            current[application_id] = open_row.definition.pk
        else:
            current[application_id] = None
        version_id = history[0].definition.version_id
        for definition in version_milestones[version_id]:
            state = states.get(definition.pk)
            known = existing[application_id].get(definition.pk)
            if known is not None:
                if state is not None:
                    updates.append((known[0], *state))
            else:
                state = state or (MilestoneState.PENDING, None, None, None)
                creates.append((application_id, application.requisition_id, definition.pk, *state))

    stamps = {"tenant_id": tenant_id, "created_at": now, "updated_at": now}
    insert_rows(
        ApplicationMilestone,
        columns=MILESTONE_ROW_COLUMNS,
        rows=creates,
        constants={**stamps, "escalation_level": 0},
    )
    insert_rows(
        MilestoneTransition,
        columns=TRANSITION_COLUMNS,
        rows=transitions,
        constants={
            **stamps,
            "cause": TransitionCause.IMPORT,
            "actor_user_id": actor.user_id,
            "actor_api_client_id": actor.api_client_id,
            "actor_role": actor.role or "",
            "reason": f"imported from {source_system}",
        },
    )
    if updates:
        ids, states_, entered, completed, due = (list(c) for c in zip(*updates, strict=True))
        server_bound_execute(
            f"""
                UPDATE {ApplicationMilestone._meta.db_table} AS am
                SET state = v.state,
                    entered_at = COALESCE(v.entered_at, am.entered_at),
                    completed_at = v.completed_at,
                    due_at = v.due_at,
                    escalation_level = 0,
                    updated_at = %s
                FROM unnest(%s::uuid[], %s::text[], %s::timestamptz[], %s::timestamptz[],
                            %s::timestamptz[]) AS v(id, state, entered_at, completed_at, due_at)
                WHERE am.id = v.id AND am.tenant_id = %s
                """,  # noqa: S608 -- the table name is the model's, the values are parameters
            [now, ids, states_, entered, completed, due, tenant_id],
        )
    app_ids = list(current)
    server_bound_execute(
        f"""
            UPDATE {Application._meta.db_table} AS a
            SET version = a.version + 1,
                current_milestone_id = COALESCE(v.current, a.current_milestone_id),
                updated_at = %s
            FROM unnest(%s::uuid[], %s::uuid[]) AS v(id, current)
            WHERE a.id = v.id AND a.tenant_id = %s
            """,  # noqa: S608 -- the table name is the model's, the values are parameters
        [now, app_ids, [current[a] for a in app_ids], tenant_id],
    )
    result = LegacyImportResult(
        rows=len(resolved),
        applications=len(by_application),
        transitions=len(transitions),
        milestone_rows_created=len(creates),
        milestone_rows_updated=len(updates),
        dry_run=False,
    )
    audit_record(
        action=AUDIT_IMPORTED,
        tenant_id=tenant_id,
        actor=actor,
        object_type="milestones.LegacyStageMapping",
        object_id=str(source_system)[:64],
        data={"source_system": source_system, **result.as_dict()},
    )
    return result
