"""The policy editor's form: a policy's steps as rows of fields (approvers by relative role,
named users or requester slots; quorum; veto rule; sequential or parallel; a condition in the
condition language) turned into the steps JSON the engine validates, and back; and the
sample requisition and offer its preview runs on."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from approvals import core
from approvals.models import Offer, SubjectKind
from approvals.services import ApprovalSubject
from recruiting.models import Application, HireType, Requisition

QUORUM_CHOICES = (("all", "Everyone"), ("any", "Any one"), ("n_of_m", "N of them"))
VETO_CHOICES = (
    ("any", "Any rejection declines (the default)"),
    ("majority", "Declined only if a majority rejects"),
)
_STEP_PATH = re.compile(r"^steps\[(\d+)\]")


@dataclass
class StepRow:
    """One step as the form shows it (row numbers are 1-based, in order)."""

    number: int
    name: str = ""
    roles: list[str] = field(default_factory=list)
    users: list[int] = field(default_factory=list)
    slots: str = ""  # labels, comma separated
    quorum: str = "all"
    n: str = ""
    veto: str = core.DEFAULT_VETO
    parallel: bool = False
    condition: str = ""  # JSON text
    condition_words: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.name or self.roles or self.users or self.slots.strip())


def rows_of(steps: list[dict]) -> list[StepRow]:
    """The rows of saved steps, and one blank row to add a step."""
    rows = []
    for i, step in enumerate(steps, start=1):
        approvers = step.get("approvers") or []
        condition = step.get("condition") or {}
        rows.append(
            StepRow(
                number=i,
                name=step.get("name", ""),
                roles=[a["role"] for a in approvers if "role" in a],
                users=[a["user"] for a in approvers if "user" in a],
                slots=", ".join(a["slot"] for a in approvers if "slot" in a),
                quorum=step.get("quorum", "all"),
                n=str(step.get("n", "")),
                veto=step.get("veto", core.DEFAULT_VETO),
                parallel=bool(step.get("parallel_with_next", False)),
                condition=json.dumps(condition) if condition else "",
                condition_words=core.condition_words(condition) if condition else "",
            )
        )
    rows.append(StepRow(number=len(rows) + 1))
    return rows


def _json(text: str, errors: list[str], what: str):
    if not text.strip():
        return {}
    try:
        return json.loads(text)
    except ValueError:
        errors.append(f"{what} is not valid JSON.")
        return {}


@dataclass
class PostedPolicy:
    name: str
    is_active: bool
    conditions: dict
    conditions_text: str
    steps: list[dict]
    rows: list[StepRow]  # the rows kept, in the order they were posted
    errors: dict[str, list[str]] = field(default_factory=dict)  # "name", "conditions", "steps"

    @property
    def valid(self) -> bool:
        return not self.errors and not any(row.errors for row in self.rows)


def _row(post, i: int) -> StepRow:
    prefix = f"steps-{i}-"
    users = []
    for value in post.getlist(prefix + "users"):
        if value.isdigit():
            users.append(int(value))
    return StepRow(
        number=i,
        name=post.get(prefix + "name", "").strip(),
        roles=[r for r in post.getlist(prefix + "roles") if r in core.ROLES],
        users=users,
        slots=post.get(prefix + "slots", ""),
        quorum=post.get(prefix + "quorum", "all"),
        n=post.get(prefix + "n", "").strip(),
        veto=post.get(prefix + "veto", core.DEFAULT_VETO),
        parallel=post.get(prefix + "parallel") == "on",
        condition=post.get(prefix + "condition", ""),
    )


def _step(row: StepRow) -> dict:
    """The engine's step JSON, with only the keys that differ from the defaults (so saving
    an unchanged form makes no new version)."""
    approvers = [{"role": r} for r in row.roles] + [{"user": u} for u in row.users]
    approvers += [{"slot": s.strip()} for s in row.slots.split(",") if s.strip()]
    step: dict = {"name": row.name, "approvers": approvers}
    if row.quorum != "all":
        step["quorum"] = row.quorum
    if row.quorum == "n_of_m":
        step["n"] = int(row.n) if row.n.isdigit() else row.n
    if row.veto != core.DEFAULT_VETO:
        step["veto"] = row.veto
    if row.parallel:
        step["parallel_with_next"] = True
    condition = _json(row.condition, row.errors, "The condition")
    if condition:
        step["condition"] = condition
        if not core.condition_problems(condition, "condition"):
            row.condition_words = core.condition_words(condition)
    return step


def policy_posted(post) -> PostedPolicy:
    """The posted form as policy terms; each problem the engine finds is put on its row."""
    count = int(post.get("step_rows", "0")) if post.get("step_rows", "").isdigit() else 0
    removed = set(post.getlist("remove"))
    rows = [_row(post, i) for i in range(1, min(count, core.MAX_STEPS + 1) + 1)]
    rows = [row for row in rows if not row.blank and str(row.number) not in removed]
    steps = [_step(row) for row in rows]
    errors: dict[str, list[str]] = {}
    conditions_text = post.get("conditions", "")
    condition_errors: list[str] = []
    conditions = _json(conditions_text, condition_errors, "The policy's conditions")
    if condition_errors:
        errors["conditions"] = condition_errors
    name = post.get("name", "").strip()
    if not name:
        errors["name"] = ["Give the policy a name."]
    if not steps:
        errors["steps"] = ["A policy needs at least one step."]
    posted = PostedPolicy(
        name, post.get("is_active") == "on", conditions, conditions_text, steps, rows, errors
    )
    if not condition_errors:
        problems_place(posted, core.condition_problems(conditions, "conditions"))
    if steps:
        problems_place(posted, core.steps_problems(steps))
    return posted


def problems_place(posted: PostedPolicy, problems) -> None:
    """Put the engine's problems ("steps[1].quorum: ...") on the rows they name."""
    for path, message in problems:
        match = _STEP_PATH.match(path)
        if match and int(match.group(1)) < len(posted.rows):
            what = path[match.end() :].lstrip(".") or "step"
            posted.rows[int(match.group(1))].errors.append(f"{what}: {message}")
        else:
            key = "conditions" if path.startswith("conditions") else "steps"
            posted.errors.setdefault(key, []).append(f"{path}: {message}")


def posted_rows_with_blank(posted: PostedPolicy) -> list[StepRow]:
    rows = list(posted.rows)
    for number, row in enumerate(rows, start=1):
        row.number = number
    rows.append(StepRow(number=len(rows) + 1))
    return rows


@dataclass
class Sample:
    """The sample requisition and offer of the preview (nothing is saved)."""

    salary: str = "120000"
    currency: str = "USD"
    band_min: str = "100000"
    band_max: str = "150000"
    executive: bool = False
    department_id: str = ""
    requisition_type_id: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def _decimal(text: str, name: str, errors: dict) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        errors[name] = "Enter a number, e.g. 120000."
        return None
    if not value.is_finite() or value < 0:
        errors[name] = "Enter a number, e.g. 120000."
        return None
    return value


def sample_posted(post) -> Sample:
    return Sample(
        salary=post.get("sample_salary", "").strip(),
        currency=(post.get("sample_currency", "").strip().upper() or "USD")[:3],
        band_min=post.get("sample_band_min", "").strip(),
        band_max=post.get("sample_band_max", "").strip(),
        executive=post.get("sample_executive") == "on",
        department_id=post.get("sample_department", ""),
        requisition_type_id=post.get("sample_type", ""),
    )


def sample_subject(sample: Sample, *, tenant_id, department, requisition_type) -> ApprovalSubject:
    """Unsaved requisition, application and offer: what the preview decides on."""
    salary = _decimal(sample.salary, "salary", sample.errors)
    if salary is None and "salary" not in sample.errors:
        sample.errors["salary"] = "Enter the sample offer's salary."
    requisition = Requisition(
        tenant_id=tenant_id,
        title="Sample requisition",
        department=department,
        requisition_type=requisition_type,
        salary_band_min=_decimal(sample.band_min, "band_min", sample.errors),
        salary_band_max=_decimal(sample.band_max, "band_max", sample.errors),
        salary_band_currency=sample.currency,
    )
    application = Application(
        tenant_id=tenant_id,
        requisition=requisition,
        hire_type=HireType.EXECUTIVE if sample.executive else HireType.STANDARD,
    )
    offer = Offer(
        tenant_id=tenant_id,
        application=application,
        title="Sample offer",
        salary_amount=salary or Decimal(0),
        salary_currency=sample.currency,
    )
    return ApprovalSubject(
        SubjectKind.OFFER, requisition=requisition, application=application, offer=offer
    )
