"""Legacy stage mappings and the import of a legacy system's stage history.

An import is all or nothing: every row is checked first and any error refuses the whole
batch (422 IMPORT_INVALID, one entry per offending line and field) with nothing written.
A valid batch is written in one transaction with a constant number of statements, however
many rows it has (bulk INSERTs, one set-based UPDATE per table).
What an imported history means for the milestone rows is described in docs/milestones.md.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import psycopg
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ats_milestones.errors import Conflict, RuleViolation
from audit.services import audit_record
from milestones.models import (
    ApplicationMilestone,
    LegacyStageMapping,
    MilestoneDefinition,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    TransitionKind,
)
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor
from tenants.context import current_tenant_id

AUDIT_IMPORTED = "milestone.history_imported"
IMPORT_INVALID = "IMPORT_INVALID"
ROW_FIELDS = ("application_external_id", "legacy_stage", "entered_at", "left_at")
REQUIRED_FIELDS = ("application_external_id", "legacy_stage", "entered_at")


class LegacyImportInvalid(RuleViolation):
    """At least one row is wrong; `fields["rows"]` lists every error by line (422)."""

    code = IMPORT_INVALID


class ImportConflict(Conflict):
    """Another write holds one of the batch's applications; retry the batch later (409)."""

    code = "IMPORT_CONFLICT"


class DuplicateMapping(Conflict):
    code = "DUPLICATE_MAPPING"


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


# -- mappings ------------------------------------------------------------------------------


def legacy_stage_mapping_save(
    *, mapping: LegacyStageMapping | None = None, **fields
) -> LegacyStageMapping:
    """Create a mapping (or change `mapping`); a stage mapped twice answers 409."""
    mapping = mapping or LegacyStageMapping()
    for name, value in fields.items():
        setattr(mapping, name, value)
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError as exc:
        raise DuplicateMapping(
            "this legacy stage of this source system is already mapped",
            fields={"legacy_stage": ["already mapped for this source_system"]},
        ) from exc
    return mapping


def legacy_stage_mapping_delete(*, mapping: LegacyStageMapping) -> None:
    mapping.delete()


# -- parsing -------------------------------------------------------------------------------


def legacy_rows_from_csv(text: str) -> tuple[list[dict], list[int]]:
    """Rows of a CSV export (header line first) and the file line number of each row."""
    reader = csv.DictReader(io.StringIO(text))
    rows, lines = [], []
    for row in reader:
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank line
        extra = row.pop(None, None)
        if extra:
            row["_extra"] = extra
        rows.append(row)
        lines.append(reader.line_num)
    return rows, lines


def _instant(raw) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        value = parse_datetime(raw.strip())
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # a legacy export without offsets is in UTC
    return value


def _error(line: int, field: str, code: str, message: str) -> dict:
    return {"line": line, "field": field, "code": code, "message": message}


@dataclass
class _Row:
    line: int
    application: Application
    definition: MilestoneDefinition
    entered_at: datetime
    left_at: datetime | None


def _validate(*, source_system, rows, lines, application_lock: bool):
    """Every error of every row, or the rows resolved to applications and milestones."""
    errors: list[dict] = []
    lines = list(lines) if lines is not None else list(range(1, len(rows) + 1))
    if not source_system or not str(source_system).strip():
        raise LegacyImportInvalid(
            "source_system is required", fields={"source_system": ["This field is required."]}
        )
    mapping = dict(
        LegacyStageMapping.objects.filter(source_system=source_system).values_list(
            "legacy_stage", "milestone_code"
        )
    )
    external_ids = {
        row.get("application_external_id").strip()
        for row in rows
        if isinstance(row, Mapping) and isinstance(row.get("application_external_id"), str)
    }
    applications_qs = Application.objects.filter(external_id__in=external_ids - {""})
    if application_lock:
        applications_qs = applications_qs.select_for_update(of=("self",), nowait=True)
    applications_qs = applications_qs.select_related("requisition").only(
        "id",
        "tenant_id",
        "external_id",
        "version",
        "current_milestone_id",
        "requisition__framework_version_id",
    )
    try:
        with transaction.atomic():
            applications = {a.external_id: a for a in applications_qs}
    except OperationalError as exc:  # NOWAIT: an application is being moved right now
        raise ImportConflict(
            "another change holds some of these applications; retry the import",
            fields={"rows": ["an application is locked by another write"]},
        ) from exc
    version_ids = {a.requisition.framework_version_id for a in applications.values()} - {None}
    definitions = {
        (d.version_id, d.code): d
        for d in MilestoneDefinition.objects.filter(version_id__in=version_ids)
    }

    resolved: list[_Row] = []
    for line, row in zip(lines, rows, strict=True):
        if not isinstance(row, Mapping):
            errors.append(_error(line, "row", "invalid", "a row must be an object"))
            continue
        row_errors: list[dict] = []
        for field in sorted(set(row) - set(ROW_FIELDS)):
            name = "row" if field == "_extra" else str(field)
            row_errors.append(_error(line, name, "unknown_field", f"unknown field {name!r}"))
        for field in REQUIRED_FIELDS:
            value = row.get(field)
            if not isinstance(value, str) or not value.strip():
                row_errors.append(_error(line, field, "required", f"{field} is required"))
        external_id = (
            (row.get("application_external_id") or "").strip()
            if isinstance(row.get("application_external_id"), str)
            else ""
        )
        stage = row.get("legacy_stage")
        stage = stage.strip() if isinstance(stage, str) else ""
        application = applications.get(external_id) if external_id else None
        if external_id and application is None:
            row_errors.append(
                _error(
                    line,
                    "application_external_id",
                    "unknown_application",
                    f"no application with external id {external_id!r}",
                )
            )
        code = mapping.get(stage) if stage else None
        if stage and code is None:
            row_errors.append(
                _error(
                    line,
                    "legacy_stage",
                    "unmapped_stage",
                    f"stage {stage!r} of {source_system!r} has no mapping",
                )
            )
        definition = None
        if application is not None and code is not None:
            version_id = application.requisition.framework_version_id
            definition = definitions.get((version_id, code))
            if version_id is None:
                row_errors.append(
                    _error(
                        line,
                        "application_external_id",
                        "no_framework_version",
                        "the application's requisition follows no framework version",
                    )
                )
            elif definition is None:
                row_errors.append(
                    _error(
                        line,
                        "legacy_stage",
                        "milestone_not_in_version",
                        f"milestone {code!r} is not in the application's framework version",
                    )
                )
        entered_at = left_at = None
        if isinstance(row.get("entered_at"), str) and row["entered_at"].strip():
            entered_at = _instant(row["entered_at"])
            if entered_at is None:
                row_errors.append(
                    _error(line, "entered_at", "invalid_timestamp", "not an ISO-8601 instant")
                )
        raw_left = row.get("left_at")
        if raw_left not in (None, ""):
            left_at = _instant(raw_left)
            if left_at is None:
                row_errors.append(
                    _error(line, "left_at", "invalid_timestamp", "not an ISO-8601 instant")
                )
            elif entered_at is not None and left_at < entered_at:
                row_errors.append(
                    _error(line, "left_at", "left_before_entered", "left_at is before entered_at")
                )
        if row_errors:
            errors.extend(row_errors)
        else:
            resolved.append(_Row(line, application, definition, entered_at, left_at))

    open_lines: dict[uuid.UUID, int] = {}
    for row in resolved:
        if row.left_at is None:
            first = open_lines.setdefault(row.application.pk, row.line)
            if first != row.line:
                errors.append(
                    _error(
                        row.line,
                        "left_at",
                        "multiple_open_stages",
                        f"the application already has an open stage on line {first}",
                    )
                )
    errors.sort(key=lambda e: e["line"])
    return errors, resolved, definitions


# -- import --------------------------------------------------------------------------------


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
        errors, resolved, definitions = _validate(
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


def _insert_rows(model, *, columns: tuple[str, ...], rows: list[tuple], constants: dict) -> None:
    """Insert `rows` (tuples of `columns`, attnames) with one INSERT ... SELECT FROM
    unnest(<one array per column>): the bulk insert of this module. COPY FROM is refused
    on tables under row-level security. `constants` (attname -> value) are the same for
    every row; ids come from gen_random_uuid(). No signals, like bulk_create."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    field = {f.attname: f for f in meta.concrete_fields}
    fixed = list(constants)
    targets = ", ".join(quote(field[name].column) for name in ("id", *fixed, *columns))
    scalars = "".join(f", %b::{field[name].db_type(connection)}" for name in fixed)
    arrays = ", ".join(f"%b::{field[name].db_type(connection)}[]" for name in columns)
    table = quote(meta.db_table)
    sql = (
        f"INSERT INTO {table} ({targets}) "  # noqa: S608 -- names from the model
        f"SELECT gen_random_uuid(){scalars}, u.* FROM unnest({arrays}) AS u"
    )
    values = [list(column) for column in zip(*rows, strict=True)]
    _server_bound_execute(sql, [*constants.values(), *values])


def _server_bound_execute(sql: str, params: list) -> None:
    """Run one statement with server-side parameters (Django's cursor quotes every array
    element into the SQL text, which is slow for 100,000 values)."""
    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
    if connection.queries_logged:  # so CaptureQueriesContext and debug tools count it
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def _write(*, source_system, resolved, definitions, actor: Actor, now):
    tenant_id = current_tenant_id()
    by_application: dict[uuid.UUID, list[_Row]] = defaultdict(list)
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
    _insert_rows(
        ApplicationMilestone,
        columns=MILESTONE_ROW_COLUMNS,
        rows=creates,
        constants={**stamps, "escalation_level": 0},
    )
    _insert_rows(
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
        _server_bound_execute(
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
    _server_bound_execute(
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
