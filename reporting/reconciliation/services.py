"""Importing activities (the API's bulk POST and the page's CSV upload share this)."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from ats_milestones.errors import DomainError
from recruiting.models import Application
from reporting.models import Activity, ActivityKind
from tenants.actors import Actor
from tenants.context import current_tenant_id
from tenants.permissions import Capability, actor_require

MAX_ROWS = 10_000
CSV_COLUMNS = ("application_id", "kind", "occurred_at", "external_id")


class ActivityImportInvalid(DomainError):
    status = 400
    code = "VALIDATION_ERROR"


class ActivityApplicationsNotFound(DomainError):
    status = 404
    code = "NOT_FOUND"


@dataclass(frozen=True)
class ActivityImport:
    created: int
    unchanged: int


@transaction.atomic
def activities_import(*, actor: Actor, rows: list[dict], source: str) -> ActivityImport:
    """Record `rows` (application_id, kind, occurred_at, external_id). An activity already
    recorded (same application, kind and time) is left as it is, so importing the same
    file or body again changes nothing. Every application must be the tenant's, else
    nothing is imported (404 naming the rows)."""
    actor_require(actor, Capability.MANAGE_CANDIDATES)
    wanted = {row["application_id"] for row in rows}
    known = set(Application.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [i for i, row in enumerate(rows) if row["application_id"] not in known]
    if missing:
        raise ActivityApplicationsNotFound(
            "No such application in this tenant.",
            fields={f"activities[{i}].application_id": ["No such application."] for i in missing},
        )
    existing = set(
        Activity.objects.filter(application_id__in=wanted).values_list(
            "application_id", "kind", "occurred_at"
        )
    )
    fresh, seen = [], set()
    for row in rows:
        key = (row["application_id"], row["kind"], row["occurred_at"])
        if key in existing or key in seen:
            continue
        seen.add(key)
        fresh.append(
            Activity(
                application_id=row["application_id"],
                kind=row["kind"],
                occurred_at=row["occurred_at"],
                external_id=row.get("external_id", ""),
                source=source,
                tenant_id=current_tenant_id(),
            )
        )
    Activity.objects.bulk_create(fresh, ignore_conflicts=True)
    return ActivityImport(created=len(fresh), unchanged=len(rows) - len(fresh))


def activities_from_csv(data: bytes) -> list[dict]:
    """The rows of an uploaded CSV (header: application_id, kind, occurred_at[,
    external_id]); every bad line is named in the error, none is imported."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActivityImportInvalid(
            "The file is not UTF-8 text.", fields={"file": ["Not UTF-8 text."]}
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or ())
    lacking = [c for c in CSV_COLUMNS[:3] if c not in header]
    if lacking:
        message = f"The header lacks {', '.join(lacking)}."
        raise ActivityImportInvalid(message, fields={"file": [message]})
    rows, problems = [], {}
    for line, record in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            message = f"At most {MAX_ROWS:,} rows per file."
            raise ActivityImportInvalid(message, fields={"file": [message]})
        problem, row = _row(record)
        if problem:
            problems[f"line {line}"] = [problem]
        else:
            rows.append(row)
    if problems:
        raise ActivityImportInvalid(
            f"{len(problems)} line(s) could not be read; nothing was imported.", fields=problems
        )
    return rows


def _row(record: dict) -> tuple[str | None, dict]:
    try:
        application_id = uuid.UUID((record.get("application_id") or "").strip())
    except ValueError:
        return "application_id is not an id.", {}
    kind = (record.get("kind") or "").strip()
    if kind not in ActivityKind.values:
        return f"kind must be one of {', '.join(ActivityKind.values)}.", {}
    occurred_at = _when((record.get("occurred_at") or "").strip())
    if occurred_at is None:
        return "occurred_at must be a time with its offset (ISO-8601).", {}
    external_id = (record.get("external_id") or "").strip()[:200]
    return None, {
        "application_id": application_id,
        "kind": kind,
        "occurred_at": occurred_at,
        "external_id": external_id,
    }


def _when(value: str) -> datetime | None:
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed
