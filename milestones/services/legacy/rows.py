"""The rows of a legacy stage history: read from CSV, checked, and resolved to the
applications and milestones they stand for.

Every row is checked before anything is written, and any error refuses the whole batch
(422 IMPORT_INVALID, one entry per offending line and field).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ats_milestones.errors import Conflict, RuleViolation
from milestones.models import LegacyStageMapping, MilestoneDefinition
from recruiting.models import Application

IMPORT_INVALID = "IMPORT_INVALID"
ROW_FIELDS = ("application_external_id", "legacy_stage", "entered_at", "left_at")
REQUIRED_FIELDS = ("application_external_id", "legacy_stage", "entered_at")


class LegacyImportInvalid(RuleViolation):
    """At least one row is wrong; `fields["rows"]` lists every error by line (422)."""

    code = IMPORT_INVALID


class ImportConflict(Conflict):
    """Another write holds one of the batch's applications; retry the batch later (409)."""

    code = "IMPORT_CONFLICT"


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
class ResolvedRow:
    """A valid row: its line, application, milestone and stay, and its legacy stage."""

    line: int
    application: Application
    definition: MilestoneDefinition
    entered_at: datetime
    left_at: datetime | None
    legacy_stage: str

    @property
    def natural_key(self) -> tuple:
        """What makes it the same row of the history in another import (or line)."""
        return (self.application.pk, self.legacy_stage, self.entered_at)


def legacy_rows_resolve(*, source_system, rows, lines, application_lock: bool):
    """Every error of every row, or the rows resolved to applications and milestones (and
    the milestones of their versions): `(errors, resolved, definitions)`. With
    `application_lock` the applications are locked (NOWAIT: 409 if another write holds one)."""
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

    resolved: list[ResolvedRow] = []
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
            resolved.append(ResolvedRow(line, application, definition, entered_at, left_at, stage))

    open_lines: dict[uuid.UUID, int] = {}
    seen: set[tuple] = set()
    for row in resolved:
        if row.natural_key in seen:
            continue  # the same row again: written once (the import reports it)
        seen.add(row.natural_key)
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
