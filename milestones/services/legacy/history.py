"""The import of a legacy stage history: valid rows become milestone transitions.

An import is all or nothing (see `rows`), and idempotent by its rows' natural key: a row
whose application, legacy stage and `entered_at` an earlier import of the same source
system already wrote (or an earlier line of the same file) is reported in
`already_imported` and not written again. A valid batch is written in one transaction with
a constant number of statements, however many rows it has (bulk INSERTs, one set-based
UPDATE per table). What an imported history means for the milestone rows is described in
docs/milestones.md.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from milestones.models import (
    ApplicationMilestone,
    LegacyImportedRow,
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
    rows: int  # valid rows in the batch, those already imported included
    applications: int  # applications given new history
    transitions: int  # rows written (one transition each)
    milestone_rows_created: int
    milestone_rows_updated: int
    dry_run: bool
    rows_already_imported: int = 0
    # {"line", "application_external_id", "legacy_stage", "entered_at"} per row not written
    already_imported: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


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
    `dry_run` validates only. Rows already imported are reported, not written again; an
    import with nothing new writes nothing at all.
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
        fresh, already = _already_imported(source_system=source_system, resolved=resolved)
        if dry_run or not fresh:
            return LegacyImportResult(
                rows=len(resolved),
                applications=len({r.application.pk for r in fresh}),
                transitions=len(fresh),
                milestone_rows_created=0,
                milestone_rows_updated=0,
                dry_run=dry_run,
                rows_already_imported=len(already),
                already_imported=[_reported(r) for r in already],
            )
        return _write(
            source_system=source_system,
            resolved=resolved,
            fresh=fresh,
            already=already,
            definitions=definitions,
            actor=actor,
            now=now or timezone.now(),
        )


def _already_imported(*, source_system, resolved: list[ResolvedRow]):
    """Split `resolved` (in line order) into the rows to write and those already written
    by an earlier import of `source_system` or on an earlier line of this batch."""
    stored = set(
        LegacyImportedRow.objects.filter(
            source_system=source_system,
            application_id__in={row.application.pk for row in resolved},
        ).values_list("application_id", "legacy_stage", "entered_at")
    )
    fresh, already = [], []
    for row in sorted(resolved, key=lambda r: r.line):
        if row.natural_key in stored:
            already.append(row)
        else:
            stored.add(row.natural_key)
            fresh.append(row)
    return fresh, already


def _reported(row: ResolvedRow) -> dict:
    return {
        "line": row.line,
        "application_external_id": row.application.external_id,
        "legacy_stage": row.legacy_stage,
        "entered_at": row.entered_at,
    }


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
IMPORTED_ROW_COLUMNS = ("application_id", "legacy_stage", "entered_at")


def _write(
    *,
    source_system,
    resolved,
    fresh,
    already,
    definitions,
    actor: Actor,
    now,
):
    tenant_id = current_tenant_id()
    new_keys = {row.natural_key for row in fresh}
    by_application: dict[uuid.UUID, list[ResolvedRow]] = defaultdict(list)
    for row in fresh:
        by_application[row.application.pk].append(row)
    # The batch's whole history of each of those applications, each row once: a new row
    # follows the row before it in time, even one imported earlier.
    known_by_application: dict[uuid.UUID, dict[tuple, ResolvedRow]] = defaultdict(dict)
    for row in [*already, *fresh]:  # a new row wins over a repeat of it
        if row.application.pk in by_application:
            known_by_application[row.application.pk][row.natural_key] = row
    applications = {row.application.pk: row.application for row in fresh}
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
        known = sorted(
            known_by_application[application_id].values(), key=lambda r: (r.entered_at, r.line)
        )
        previous = None
        for row in known:
            if row.natural_key in new_keys:
                first_ever = previous is None and not existing[application_id]
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

        # One state per milestone the new rows name: entered when first entered; completed
        # when every new stay in it has ended, else active since the open stay began.
        states: dict[uuid.UUID, tuple] = {}
        by_milestone = defaultdict(list)
        for row in history:
            by_milestone[row.definition.pk].append(row)
        open_row = next((r for r in known if r.left_at is None), None)
        for milestone_id, stays in by_milestone.items():
            definition = stays[0].definition
            entered = min(s.entered_at for s in stays)
            if open_row is not None and open_row.definition.pk == milestone_id:
                due = open_row.entered_at + definition.sla if definition.sla else None
                states[milestone_id] = (MilestoneState.ACTIVE, open_row.entered_at, None, due)
            else:
                done = max(s.left_at for s in stays)
                states[milestone_id] = (MilestoneState.COMPLETED, entered, done, None)
        if open_row is not None and open_row.natural_key in new_keys:
            # The legacy system moved on: nothing else stays active.
            for milestone_id, (row_id, state) in existing[application_id].items():
                if state == MilestoneState.ACTIVE and milestone_id not in states:
                    updates.append(
                        (row_id, MilestoneState.COMPLETED, None, open_row.entered_at, None)
                    )
            current[application_id] = open_row.definition.pk
        else:  # no new open stage: the current milestone stays as it was
            current[application_id] = None
        version_id = history[0].definition.version_id
        for definition in version_milestones[version_id]:
            state = states.get(definition.pk)
            known_row = existing[application_id].get(definition.pk)
            if known_row is not None:
                if state is not None:
                    updates.append((known_row[0], *state))
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
    insert_rows(
        LegacyImportedRow,
        columns=IMPORTED_ROW_COLUMNS,
        rows=[(r.application.pk, r.legacy_stage, r.entered_at) for r in fresh],
        constants={**stamps, "source_system": source_system},
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
        rows_already_imported=len(already),
        already_imported=[_reported(r) for r in already],
    )
    counts = result.as_dict()
    del counts["already_imported"]  # the counts are the record; the rows are in the answer
    audit_record(
        action=AUDIT_IMPORTED,
        tenant_id=tenant_id,
        actor=actor,
        object_type="milestones.LegacyStageMapping",
        object_id=str(source_system)[:64],
        data={"source_system": source_system, **counts},
    )
    return result
