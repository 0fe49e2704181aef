"""The pure part of approvals: the shape of a policy's steps, how a step resolves, and the
words for both. No Django, no ORM: services, the preview and tests run it on plain values.

A step (one item of `ApprovalPolicyVersion.steps`):

    {"name": "HRBP",
     "approvers": [{"role": "hrbp"}, {"user": 12}, {"slot": "Finance partner"}],
     "quorum": "all" | "any" | "n_of_m",  "n": 2,          (default "all")
     "veto": "any" | "majority",                            (default "any")
     "parallel_with_next": false,                           (default false)
     "condition": {...}}                                    (condition language; default {})

Roles are relative to the requisition: its hiring manager, its recruiter, the HRBPs of its
department, its department's head. A slot is a person the requester names when requesting.

Resolution of a step of M approvers with a approvals and d declines:
- approved when the quorum is met: all M, any one, or N of them (N capped at M);
- declined when the veto rule says so ("any": one rejection; "majority": more than half of
  M reject) or when the quorum can no longer be met by those still to decide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from milestones.core import conditions

ROLES = {
    "hiring_manager": "the hiring manager",
    "recruiter": "the recruiter",
    "hrbp": "the HRBP of the department",
    "department_head": "the department head",
}
QUORUMS = ("all", "any", "n_of_m")
VETOES = ("any", "majority")
DEFAULT_VETO = "any"

#: The facts a policy's conditions (and a step's) may name, beyond the language's own
#: (`requisition.type`, `requisition.department`, `application.hire_type`, ...).
APPROVAL_FACTS = frozenset(
    {
        "subject.kind",
        "offer.salary",
        "offer.currency",
        "offer.employment_type",
        "offer.salary_vs_band",  # "below", "within", "above"; missing without a band
        "requisition.executive",  # the requisition type is executive
        "hire.executive",  # an executive hire: the hire type or the requisition type says so
        "milestone.code",
    }
)
FACT_LABELS = {
    "subject.kind": "the subject",
    "offer.salary": "the salary",
    "offer.currency": "the currency",
    "offer.employment_type": "the employment type",
    "offer.salary_vs_band": "the salary against the requisition's band",
    "requisition.executive": "the requisition is executive",
    "hire.executive": "it is an executive hire",
    "requisition.type": "the requisition type",
    "requisition.department": "the department",
    "application.hire_type": "the hire type",
    "milestone.code": "the milestone",
}
MAX_STEPS = 20
MAX_APPROVERS = 50


def condition_problems(expr: Any, path: str) -> list[tuple[str, str]]:
    return [
        (p.path, p.message) for p in conditions.validate(expr, path, extra_facts=APPROVAL_FACTS)
    ]


def condition_holds(expr: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    """A validated condition on approval facts; one that cannot be evaluated (a type clash)
    does not hold, so a step it guards applies (stricter) and a policy it selects does not."""
    try:
        return conditions.evaluate(expr or {}, facts)
    except conditions.ConditionError:
        return False


def condition_words(expr: Any) -> str:
    return conditions.condition_words(expr, FACT_LABELS)


def _approver_problems(approver: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(approver, Mapping) or len(approver) != 1:
        return [(path, "an approver is one of {'role': ...}, {'user': id}, {'slot': label}")]
    ((kind, value),) = approver.items()
    if kind == "role" and value not in ROLES:
        return [(f"{path}.role", f"unknown role {value!r}; use one of {sorted(ROLES)}")]
    if kind == "user" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        return [(f"{path}.user", "a user is named by their id")]
    if kind == "slot" and (not isinstance(value, str) or not value.strip() or len(value) > 100):
        return [(f"{path}.slot", "a slot needs a label of at most 100 characters")]
    if kind not in ("role", "user", "slot"):
        return [(path, f"unknown approver kind {kind!r}; use role, user or slot")]
    return []


def step_problems(step: Any, path: str) -> list[tuple[str, str]]:
    if not isinstance(step, Mapping):
        return [(path, "a step must be an object")]
    problems: list[tuple[str, str]] = []
    known = {"name", "approvers", "quorum", "n", "veto", "parallel_with_next", "condition"}
    if unknown := set(step) - known:
        problems.append((path, f"unknown keys {sorted(unknown)}"))
    name = step.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append((f"{path}.name", "a step needs a name of at most 200 characters"))
    approvers = step.get("approvers")
    if not isinstance(approvers, list) or not approvers or len(approvers) > MAX_APPROVERS:
        problems.append((f"{path}.approvers", f"1 to {MAX_APPROVERS} approvers"))
        approvers = []
    for i, approver in enumerate(approvers):
        problems += _approver_problems(approver, f"{path}.approvers[{i}]")
    quorum = step.get("quorum", "all")
    if quorum not in QUORUMS:
        problems.append((f"{path}.quorum", f"use one of {list(QUORUMS)}"))
    if quorum == "n_of_m":
        n = step.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= max(len(approvers), 1):
            problems.append((f"{path}.n", "N of M needs 1 <= n <= the number of approvers"))
    elif "n" in step:
        problems.append((f"{path}.n", "n is only for the quorum n_of_m"))
    if step.get("veto", DEFAULT_VETO) not in VETOES:
        problems.append((f"{path}.veto", f"use one of {list(VETOES)}"))
    if not isinstance(step.get("parallel_with_next", False), bool):
        problems.append((f"{path}.parallel_with_next", "true or false"))
    problems += condition_problems(step.get("condition", {}), f"{path}.condition")
    return problems


def steps_problems(steps: Any, path: str = "steps") -> list[tuple[str, str]]:
    """Every problem of a policy's step list, each with its path (empty when valid)."""
    if not isinstance(steps, list) or not steps:
        return [(path, "a policy needs at least one step")]
    if len(steps) > MAX_STEPS:
        return [(path, f"at most {MAX_STEPS} steps")]
    problems = []
    for i, step in enumerate(steps):
        problems += step_problems(step, f"{path}[{i}]")
    names = [s.get("name") for s in steps if isinstance(s, Mapping)]
    if len(set(names)) != len(names):
        problems.append((path, "step names must differ"))
    return problems


#: The round's state machine: from each status, where it may go. A round starts "requested"
#: (the subject was a draft before); "approved" may still be voided by a material edit.
ROUND_MOVES = {
    "requested": frozenset({"approved", "declined", "withdrawn", "voided"}),
    "approved": frozenset({"voided"}),
    "declined": frozenset(),
    "withdrawn": frozenset(),
    "voided": frozenset(),
}


def round_may_become(status: str, new_status: str) -> bool:
    return new_status in ROUND_MOVES.get(status, frozenset())


def quorum_needed(quorum: str, n: int, total: int) -> int:
    if quorum == "any":
        return min(1, total)
    if quorum == "n_of_m":
        return min(n, total)
    return total


def _strength(step: Mapping[str, Any]) -> tuple[int, int]:
    """(how many approvers must approve at least, veto strictness) for comparing steps."""
    total = len(step.get("approvers") or [])
    needed = quorum_needed(step.get("quorum", "all"), step.get("n", 1), total)
    return needed, 1 if step.get("veto", DEFAULT_VETO) == "any" else 0


def extension_problems(
    template_steps: Sequence[Mapping], steps: Sequence[Mapping], path: str = "steps"
) -> list[tuple[str, str]]:
    """How a department's extension weakens its template (empty when it does not): it must
    keep every template step, in order, with the same approvers or more, a quorum as high and
    a veto as strict, and no condition the template step lacked; it may add steps."""
    problems = []
    by_name = {s.get("name"): (i, s) for i, s in enumerate(steps)}
    last = -1
    for t in template_steps:
        found = by_name.get(t.get("name"))
        if found is None:
            problems.append((path, f"the template's step {t.get('name')!r} is missing"))
            continue
        i, s = found
        where = f"{path}[{i}]"
        if i < last:
            problems.append((where, "the template's steps keep their order"))
        last = i
        if not all(a in (s.get("approvers") or []) for a in t.get("approvers") or []):
            problems.append((f"{where}.approvers", "keeps every approver of the template step"))
        mine, theirs = _strength(s), _strength(t)
        if mine[0] < theirs[0]:
            problems.append((f"{where}.quorum", "may raise the template's quorum, not lower it"))
        if mine[1] < theirs[1]:
            problems.append((f"{where}.veto", "may not soften the template's veto rule"))
        if (s.get("condition") or {}) != (t.get("condition") or {}):
            problems.append((f"{where}.condition", "keeps the template step's condition"))
    return problems


def step_outcome(
    *, quorum: str, n: int, veto: str, total: int, approved: int, declined: int
) -> str | None:
    """ "approved", "declined" or None (still open) for one step's tally."""
    needed = quorum_needed(quorum, n, total)
    if approved >= needed and needed > 0:
        return "approved"
    if veto == "any" and declined >= 1:
        return "declined"
    if veto == "majority" and declined * 2 > total:
        return "declined"
    if total - declined < needed:  # the quorum can no longer be met
        return "declined"
    return None


def groups_of(parallel_flags: Sequence[bool]) -> list[int]:
    """The group number (1-based) of each applicable step: a step parallel with the next
    shares the next one's group."""
    groups, group = [], 1
    for i, parallel in enumerate(parallel_flags):
        groups.append(group)
        if not parallel or i == len(parallel_flags) - 1:
            group += 1
    return groups


def quorum_words(quorum: str, n: int, total: int) -> str:
    if quorum == "any" or total == 1:
        return "one approval is enough" if total > 1 else "needs their approval"
    if quorum == "n_of_m":
        return f"needs {min(n, total)} of {total} approvals"
    return f"needs all {total} approvals"


def veto_words(veto: str) -> str:
    if veto == "majority":
        return "declined only if a majority rejects"
    return "any rejection declines"


def step_description(*, quorum: str, n: int, veto: str, total: int) -> str:
    """ "Needs all 2 approvals; any rejection declines." """
    text = f"{quorum_words(quorum, n, total)}; {veto_words(veto)}."
    return text[:1].upper() + text[1:]
