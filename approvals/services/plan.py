"""Which policy a subject falls under and which of its steps apply, with the reasons: what
`approval_preview` shows and what `approval_request` writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from approvals import core
from approvals.models import ApprovalPolicy, ApprovalPolicyVersion
from approvals.services.subjects import ApprovalSubject, ApproverResolver, approval_facts
from notifications.services import user_ids_with_capability
from tenants.models import Department
from tenants.permissions import Capability


@dataclass
class PlannedStep:
    index: int
    name: str
    applies: bool
    why: str  # in words: why it applies or is skipped
    quorum: str
    quorum_n: int
    veto: str
    parallel_with_next: bool
    approvers: list[tuple[int, str]] = field(default_factory=list)  # (user id, source)
    open_slots: list[str] = field(default_factory=list)  # slots the requester still fills
    dropped: list[int] = field(default_factory=list)  # named in an earlier step
    unable: list[int] = field(default_factory=list)  # resolved, but may not approve here
    position: int = 0
    group: int = 0

    @property
    def description(self) -> str:
        total = len(self.approvers) + len(self.open_slots)
        return core.step_description(
            quorum=self.quorum, n=self.quorum_n, veto=self.veto, total=max(total, 1)
        )


@dataclass
class PolicyChoice:
    version: ApprovalPolicyVersion | None
    # (policy name, holds?, why) for each policy considered, in order
    considered: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def why(self) -> str:
        if self.version is None:
            return "No approval policy applies."
        policy = self.version.policy
        conditions = self.version.conditions
        when = "it applies to everything" if not conditions else core.condition_words(conditions)
        return f"Policy “{policy.name}” (version {self.version.number}) applies: {when}."


def _department_chain(subject: ApprovalSubject) -> list:
    """The requisition's department and those above it: a division's policy covers its teams."""
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    chain, current = [], subject.requisition.department_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def policy_choose(subject: ApprovalSubject, facts: dict[str, Any]) -> PolicyChoice:
    """The first active policy for the subject's kind, in the admin's order, whose
    conditions hold; a department's policy is considered only for requisitions of that
    department or of one below it."""
    policies = (
        ApprovalPolicy.objects.filter(
            subject_kind=subject.kind, is_active=True, current_version__isnull=False
        )
        .filter(Q(department__isnull=True) | Q(department_id__in=_department_chain(subject)))
        .select_related("current_version", "current_version__policy")
        .order_by("position", "name")
    )
    choice = PolicyChoice(None)
    for policy in policies:
        version = policy.current_version
        holds = core.condition_holds(version.conditions, facts)
        said = core.condition_words(version.conditions) if version.conditions else "always"
        choice.considered.append((policy.name, holds, said))
        if holds:
            choice.version = version
            break
    return choice


def steps_plan(
    subject: ApprovalSubject,
    version: ApprovalPolicyVersion,
    facts: dict[str, Any],
    *,
    slots: dict[str, int] | None = None,
) -> list[PlannedStep]:
    """Each step of `version` for this subject: whether it applies (its condition; someone
    left to approve once people named in earlier steps are dropped), its approvers, and its
    position and parallel group among the steps that apply."""
    resolver = ApproverResolver(subject.requisition)
    resolved = [
        [resolver.resolve(approver, slots) for approver in step["approvers"]]
        for step in version.steps
    ]
    # Only people who may approve in the tenant are asked (a hiring manager field set to a
    # coordinator, a named user who left): one query for the whole policy.
    everyone = {u for step in resolved for user_ids, _ in step for u in user_ids}
    may_approve = user_ids_with_capability(Capability.APPROVE, user_ids=everyone)
    seen: set[int] = set()
    planned: list[PlannedStep] = []
    for index, step in enumerate(version.steps):
        condition = step.get("condition") or {}
        item = PlannedStep(
            index=index,
            name=step["name"],
            applies=True,
            why="",
            quorum=step.get("quorum", "all"),
            quorum_n=step.get("n", 1),
            veto=step.get("veto", core.DEFAULT_VETO),
            parallel_with_next=bool(step.get("parallel_with_next", False)),
        )
        planned.append(item)
        if condition and not core.condition_holds(condition, facts):
            item.applies = False
            item.why = f"Skipped: only when {core.condition_words(condition)}."
            continue
        for user_ids, source in resolved[index]:
            if source.startswith("slot:") and not user_ids:
                item.open_slots.append(source.removeprefix("slot:"))
            for user_id in user_ids:
                if user_id not in may_approve:
                    item.unable.append(user_id)
                elif user_id in seen:
                    item.dropped.append(user_id)
                elif user_id not in {u for u, _ in item.approvers}:
                    item.approvers.append((user_id, source))
        seen |= {u for u, _ in item.approvers}
        if not item.approvers and not item.open_slots and item.dropped:
            item.applies = False
            item.why = "Skipped: everyone in it approves in an earlier step."
            continue
        item.why = (
            f"Applies: {core.condition_words(condition)}." if condition else "Applies always."
        )
        if not item.approvers and not item.open_slots:
            item.why += (
                " Nobody can approve it yet: the people it names are not set or may not approve."
            )
    applicable = [p for p in planned if p.applies]
    groups = core.groups_of([p.parallel_with_next for p in applicable])
    for position, (item, group) in enumerate(zip(applicable, groups, strict=True), start=1):
        item.position, item.group = position, group
    return planned


def subject_facts(subject: ApprovalSubject) -> dict[str, Any]:
    return approval_facts(subject)
