"""What a request would ask, before anyone requests: the policy, its steps, and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from approvals import core
from approvals.models import ApprovalPolicyVersion
from approvals.services.plan import policy_choose, steps_plan, subject_facts
from approvals.services.subjects import ApprovalSubject
from tenants.people import user_names


@dataclass(frozen=True)
class StepPreview:
    name: str
    applies: bool
    why: str
    approvers: tuple[str, ...]  # names; an unfilled slot reads "<label> (you choose)"
    description: str  # quorum and veto rule in words
    position: int  # among the steps that apply (0 when skipped)
    parallel_with_next: bool
    open_slots: tuple[str, ...] = ()  # the requester slots still to fill (their labels)


@dataclass(frozen=True)
class ApprovalPreview:
    policy_name: str | None
    policy_version: int | None
    why: str
    steps: tuple[StepPreview, ...] = ()
    # every policy considered before the one chosen: (name, holds, its condition in words)
    considered: tuple[tuple[str, bool, str], ...] = field(default_factory=tuple)

    @property
    def applies(self) -> list[StepPreview]:
        return [s for s in self.steps if s.applies]

    @property
    def skipped(self) -> list[StepPreview]:
        return [s for s in self.steps if not s.applies]

    @property
    def open_slots(self) -> list[str]:
        """The slots the requester still fills, in step order, each once (a label named in
        two steps is one person)."""
        return list(dict.fromkeys(label for s in self.applies for label in s.open_slots))


def approval_preview(
    *,
    subject: ApprovalSubject,
    policy_version: ApprovalPolicyVersion | None = None,
    slots: dict[str, int] | None = None,
) -> ApprovalPreview:
    """Which policy applies to `subject` and which of its steps apply or are skipped, and
    why, in words; writes nothing. The policy editor passes a sample subject (unsaved
    requisition and offer) and the version being edited as `policy_version`."""
    facts = subject_facts(subject)
    if policy_version is None:
        choice = policy_choose(subject, facts)
        version, why, considered = choice.version, choice.why, tuple(choice.considered)
    else:
        version, considered = policy_version, ()
        holds = core.condition_holds(version.conditions, facts)
        said = core.condition_words(version.conditions) if version.conditions else "always"
        why = (
            f"This policy applies: {said}."
            if holds
            else f"This policy would not be chosen: it applies only when {said}."
        )
    if version is None:
        return ApprovalPreview(None, None, why, considered=considered)
    planned = steps_plan(subject, version, facts, slots=slots)
    names = user_names(u for p in planned for u, _ in p.approvers)
    steps = tuple(
        StepPreview(
            name=p.name,
            applies=p.applies,
            why=p.why,
            approvers=tuple(
                [names.get(u, f"user {u}") for u, _ in p.approvers]
                + [f"{label} (you choose)" for label in p.open_slots]
            ),
            description=p.description,
            position=p.position,
            parallel_with_next=p.parallel_with_next,
            open_slots=tuple(p.open_slots) if p.applies else (),
        )
        for p in planned
    )
    return ApprovalPreview(version.policy.name, version.number, why, steps, considered)
