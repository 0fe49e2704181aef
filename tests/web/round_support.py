"""Rounds of the other subjects for the round pages' tests: a requisition's opening and a
stage-gated milestone's clearance, on the approval world of tests.approvals.factories."""

from __future__ import annotations

from approvals.models import ApprovalStep, SubjectKind
from approvals.services import approval_request, subject_of_milestone, subject_of_requisition
from milestones.models import MilestoneKind
from milestones.services.transitions.initialize import application_milestones_initialize
from tenants.context import all_tenants_context, tenant_context
from tests.approvals.factories import make_approval_world, make_policy, role, step
from tests.milestones.factories import make_version

#: The opening's policy: the department head, then the HRBP.
OPENING_STEPS = [step("Department head", role("department_head")), step("HRBP", role("hrbp"))]
CLEARANCE = "EXEC_CLEARANCE"


def opening_world(tenant, *, steps=None, executive: bool = False, confidential: bool = False):
    world = make_approval_world(tenant=tenant)
    make_policy(
        tenant=tenant,
        subject_kind=SubjectKind.REQUISITION,
        name="Openings",
        steps=steps or OPENING_STEPS,
    )
    _mark(world, executive=executive, confidential=confidential)
    return world


def request_opening(world):
    with tenant_context(world.tenant):
        return approval_request(
            subject=subject_of_requisition(world.requisition), actor=world.recruiter_actor
        )


def clearance_world(tenant, *, steps=None, sensitive: bool = False, confidential: bool = False):
    """The world's requisition pinned to a version with a stage-gated "Executive clearance"
    milestone, and the policy that clears it (the HRBP by default)."""
    world = make_approval_world(tenant=tenant)
    version = make_version(
        tenant=tenant,
        codes=("APPLIED", CLEARANCE, "HIRED"),
        milestones={
            CLEARANCE: {
                "name": "Executive clearance",
                "kind": MilestoneKind.STAGE_GATED,
                "is_sensitive": sensitive,
            }
        },
    )
    with all_tenants_context():
        world.requisition.framework_version = version
        world.requisition.save()
    with tenant_context(tenant):
        application_milestones_initialize(application_id=world.application.pk)
    make_policy(
        tenant=tenant,
        subject_kind=SubjectKind.MILESTONE,
        name="Clearance",
        conditions={"fact": "milestone.code", "op": "eq", "value": CLEARANCE},
        steps=steps or [step("HRBP", role("hrbp"))],
    )
    _mark(world, confidential=confidential)
    return world


def request_clearance(world):
    with tenant_context(world.tenant):
        return approval_request(
            subject=subject_of_milestone(world.application, CLEARANCE),
            actor=world.recruiter_actor,
        )


def _mark(world, *, executive: bool = False, confidential: bool = False) -> None:
    with all_tenants_context():
        if executive:
            kind = world.requisition.requisition_type
            kind.is_executive = True
            kind.save()
        if confidential:
            world.requisition.is_confidential = True
            world.requisition.save()


def step_of(round_, name: str) -> ApprovalStep:
    with tenant_context(round_.tenant):
        return ApprovalStep.objects.get(round=round_, name=name)


def place(step_, person) -> str:
    return f"{step_.pk}:{person.pk}"


def round_url(round_, tail: str = "") -> str:
    return f"/approvals/rounds/{round_.pk}/{tail}"


def section(body: str, testid: str) -> str:
    """The HTML of the element marked `data-testid=testid`, up to the end of its form or
    section."""
    part = body.split(f'data-testid="{testid}"', 1)[1]
    return part.split("</section>", 1)[0]
