"""What the requester (and the policy editor) sees before a request: policy, steps, why."""

from decimal import Decimal

import pytest

from approvals.models import Offer
from approvals.services import ApprovalSubject, approval_preview, subject_of_offer
from recruiting.models import Application, Requisition
from tenants.context import tenant_context
from tests.approvals.factories import make_approval_world, make_policy, role, slot, step

pytestmark = pytest.mark.django_db

ABOVE_BAND = {"fact": "offer.salary_vs_band", "op": "eq", "value": "above"}


def test_the_preview_names_the_policy_and_each_step_with_why(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject_of_offer(world.offer))
    assert preview.policy_name == world.policy.name
    assert (
        preview.why
        == f"Policy “{world.policy.name}” (version 1) applies: it applies to everything."
    )
    assert [(s.name, s.applies) for s in preview.steps] == [
        ("Hiring manager", True),
        ("HRBP", True),
        ("Department head", False),
    ]
    assert preview.steps[2].why == "Skipped: only when it is an executive hire."
    assert preview.steps[0].approvers == (world.hiring_manager.username,)
    assert preview.steps[1].description == "Needs their approval; any rejection declines."


def test_the_first_matching_policy_in_the_admins_order_wins(tenant_a):
    world = make_approval_world(tenant=tenant_a, salary_amount=Decimal("180000"))
    above = make_policy(
        tenant=tenant_a,
        name="Above band",
        conditions=ABOVE_BAND,
        position=1,
        steps=[step("HRBP", role("hrbp"))],
    )
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject_of_offer(world.offer))
    assert preview.policy_name == above.name
    assert "the salary against the requisition's band is above" in preview.why


def test_a_conditional_step_applies_when_its_condition_holds(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        salary_amount=Decimal("200000"),
        steps=[
            step("HM", role("hiring_manager")),
            step("Head", role("department_head"), condition=ABOVE_BAND),
        ],
    )
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject_of_offer(world.offer))
    assert [(s.name, s.applies) for s in preview.steps] == [("HM", True), ("Head", True)]
    assert preview.steps[1].why == "Applies: the salary against the requisition's band is above."


def test_the_policy_editor_previews_a_version_on_an_unsaved_sample(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    sample_requisition = Requisition(
        tenant=tenant_a,
        title="Sample",
        requisition_type=world.requisition.requisition_type,
        department=world.requisition.department,
        hiring_manager=world.hiring_manager,
        salary_band_max=Decimal("100"),
    )
    sample_application = Application(
        tenant=tenant_a, requisition=sample_requisition, hire_type="executive"
    )
    sample_offer = Offer(
        tenant=tenant_a,
        application=sample_application,
        title="X",
        salary_amount=Decimal("500"),
        salary_currency="USD",
    )
    subject = ApprovalSubject(
        "offer", requisition=sample_requisition, application=sample_application, offer=sample_offer
    )
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject, policy_version=world.policy.current_version)
    assert preview.why == "This policy applies: always."
    assert [s.applies for s in preview.steps] == [True, True, True]


def test_no_policy_reads_as_such(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    with tenant_context(tenant_a):
        world.policy.is_active = False
        world.policy.save()
        preview = approval_preview(subject=subject_of_offer(world.offer))
    assert (preview.policy_name, preview.why) == (None, "No approval policy applies.")


def test_the_preview_lists_the_slots_the_requester_still_fills(tenant_a):
    world = make_approval_world(
        tenant=tenant_a,
        steps=[
            step("Finance", slot("Finance partner"), role("hrbp")),
            step("Legal", slot("Counsel"), slot("Finance partner")),
            step(
                "Board",
                slot("Chair"),
                condition={"fact": "hire.executive", "op": "eq", "value": True},
            ),
        ],
    )
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject_of_offer(world.offer))
        filled = approval_preview(
            subject=subject_of_offer(world.offer), slots={"Finance partner": world.hrbp.pk}
        )
    assert [s.open_slots for s in preview.steps] == [
        ("Finance partner",),
        ("Counsel", "Finance partner"),
        (),  # skipped: nothing to fill
    ]
    assert preview.open_slots == ["Finance partner", "Counsel"]
    assert filled.open_slots == ["Counsel"]
