"""What can be exported: each dataset is its documented columns (docs/exports.md) and the
SQL that reads them, in a stable order, one tenant at a time.

A report adds its rows with `register_dataset`; the writers, the API, the page, the
command and the schedules then offer it like the two built in here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from milestones.models import MilestoneDefinition, MilestoneTransition
from recruiting.models import Application, Requisition
from reporting.models import MilestoneStay
from tenants.models import Department

STRING, INTEGER, FLOAT, TIMESTAMP = "string", "integer", "float", "timestamp"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # STRING | INTEGER | FLOAT | TIMESTAMP (ISO-8601 UTC in CSV and JSON)
    sql: str
    meaning: str


@dataclass(frozen=True)
class Dataset:
    """`from_sql` joins what the columns read and ends in a WHERE naming `%(tenant)s`;
    `change_key` is (the writing transaction, the id) of the row the feed follows."""

    name: str
    label: str
    description: str
    columns: tuple[Column, ...]
    from_sql: str
    period_column: str
    department_column: str
    requisition_column: str
    sensitive_sql: str  # true for a row that only `view_sensitive` may see
    change_key: tuple[str, str]
    updated_column: str
    filters_doc: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_DATASETS: dict[str, Dataset] = {}


def register_dataset(dataset: Dataset) -> Dataset:
    """Offer `dataset` for export (a report's rows: call from its AppConfig.ready())."""
    _DATASETS[dataset.name] = dataset
    return dataset


def dataset_get(name: str) -> Dataset | None:
    return _DATASETS.get(name)


def dataset_list() -> list[Dataset]:
    return sorted(_DATASETS.values(), key=lambda d: d.name)


def _id(expr: str) -> str:
    return f"{expr}::text"


_T = MilestoneTransition._meta.db_table
_A = Application._meta.db_table
_R = Requisition._meta.db_table
_M = MilestoneDefinition._meta.db_table
_D = Department._meta.db_table
_S = MilestoneStay._meta.db_table

TRANSITIONS = register_dataset(
    Dataset(
        name="transitions",
        label="Transitions",
        description="Every move of an application between milestones, from the log.",
        columns=(
            Column("transition_id", STRING, _id("t.id"), "The move's id (UUID)."),
            Column("application_id", STRING, _id("t.application_id"), "The application moved."),
            Column("requisition_id", STRING, _id("a.requisition_id"), "Its requisition."),
            Column(
                "department_id", STRING, _id("r.department_id"), "The requisition's department."
            ),
            Column("department_name", STRING, "d.name", "The department's name."),
            Column(
                "kind",
                STRING,
                "t.kind",
                "initialize (the entry into the workflow), advance, complete, skip, bypass, "
                "regression, fail, reject, withdraw.",
            ),
            Column(
                "cause",
                STRING,
                "t.cause",
                "manual, trigger, escalation, deadline, import, override or sync.",
            ),
            Column("from_milestone_id", STRING, _id("t.from_milestone_id"), "Left (or empty)."),
            Column("from_milestone_code", STRING, "fm.code", "Its code."),
            Column("from_milestone_name", STRING, "fm.name", "Its name as people read it."),
            Column("to_milestone_id", STRING, _id("t.to_milestone_id"), "Entered (or empty)."),
            Column("to_milestone_code", STRING, "tm.code", "Its code."),
            Column("to_milestone_name", STRING, "tm.name", "Its name as people read it."),
            Column("actor_user_id", INTEGER, "t.actor_user_id", "The person who moved it."),
            Column(
                "actor_api_client_id",
                STRING,
                _id("t.actor_api_client_id"),
                "The API client that moved it.",
            ),
            Column("actor_role", STRING, "t.actor_role", "The mover's role at the time."),
            Column("reason", STRING, "t.reason", "The reason given, if any."),
            Column("at", TIMESTAMP, "t.at", "When the move happened."),
            Column(
                "application_version",
                INTEGER,
                "t.application_version",
                "The application's version after the move.",
            ),
        ),
        from_sql=f"""
FROM {_T} t
JOIN {_A} a ON a.id = t.application_id
JOIN {_R} r ON r.id = a.requisition_id
LEFT JOIN {_D} d ON d.id = r.department_id
LEFT JOIN {_M} fm ON fm.id = t.from_milestone_id
LEFT JOIN {_M} tm ON tm.id = t.to_milestone_id
WHERE t.tenant_id = %(tenant)s""",
        period_column="t.at",
        department_column="r.department_id",
        requisition_column="a.requisition_id",
        sensitive_sql="(coalesce(fm.is_sensitive, false) OR coalesce(tm.is_sensitive, false))",
        change_key=("t.change_xid", "t.id"),
        updated_column="t.created_at",
        filters_doc={"period": "the move's time (`at`)", "department": "the requisition's"},
    )
)

STAYS = register_dataset(
    Dataset(
        name="stays",
        label="Milestone stays",
        description="Each stay of an application in a milestone: entered, left, how it ended.",
        columns=(
            Column("stay_id", STRING, _id("s.id"), "The stay's id (UUID)."),
            Column("application_id", STRING, _id("s.application_id"), "The application."),
            Column("requisition_id", STRING, _id("s.requisition_id"), "Its requisition."),
            Column("milestone_id", STRING, _id("s.milestone_id"), "The milestone stayed in."),
            Column("milestone_code", STRING, "m.code", "Its code."),
            Column("milestone_name", STRING, "m.name", "Its name as people read it."),
            Column(
                "department_id", STRING, _id("s.department_id"), "Department when it was entered."
            ),
            Column("department_name", STRING, "d.name", "The department's name."),
            Column("recruiter_id", INTEGER, "s.recruiter_id", "Recruiter (a user) when entered."),
            Column("job_family_id", STRING, _id("s.job_family_id"), "Job family when entered."),
            Column(
                "requisition_type_id",
                STRING,
                _id("s.requisition_type_id"),
                "Requisition type when entered.",
            ),
            Column(
                "framework_version_id",
                STRING,
                _id("s.framework_version_id"),
                "Workflow version of the requisition.",
            ),
            Column("entered_at", TIMESTAMP, "s.entered_at", "When the stay began."),
            Column("left_at", TIMESTAMP, "s.left_at", "When it ended (empty while open)."),
            Column(
                "ended",
                STRING,
                "s.ended",
                "advanced, skipped, bypassed, regressed, failed, rejected, withdrawn, hired; "
                "empty while open.",
            ),
            Column(
                "calendar_seconds",
                FLOAT,
                "s.calendar_seconds",
                "Calendar seconds of a finished stay (empty while open).",
            ),
            Column(
                "entered_transition_id",
                STRING,
                _id("s.entered_transition_id"),
                "The move that opened it.",
            ),
            Column(
                "left_transition_id",
                STRING,
                _id("s.left_transition_id"),
                "The move that closed it.",
            ),
            Column("updated_at", TIMESTAMP, "s.updated_at", "When the stay last changed."),
        ),
        from_sql=f"""
FROM {_S} s
JOIN {_M} m ON m.id = s.milestone_id
LEFT JOIN {_D} d ON d.id = s.department_id
WHERE s.tenant_id = %(tenant)s""",
        period_column="s.entered_at",
        department_column="s.department_id",
        requisition_column="s.requisition_id",
        sensitive_sql="m.is_sensitive",
        change_key=("s.change_xid", "s.id"),
        updated_column="s.updated_at",
        filters_doc={"period": "when the stay began", "department": "when it was entered"},
    )
)
