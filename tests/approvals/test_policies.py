import pytest

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import ApprovalRound
from approvals.services import approval_policy_update, approval_preview, subject_of_offer
from tenants.actors import SYSTEM, Actor
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Membership, Role
from tests import factories
from tests.approvals.factories import (
    make_approval_world,
    make_person,
    make_policy,
    role,
    step,
    user,
)
from tests.support import refreshed

pytestmark = pytest.mark.django_db


def test_a_bad_policy_answers_400_naming_the_path(tenant_a):
    with pytest.raises(ApprovalError) as refused:
        make_policy(tenant=tenant_a, steps=[step("A", role("ceo"))])
    assert refused.value.status == 400
    assert "steps[0].approvers[0].role" in refused.value.fields


def test_a_bad_condition_answers_400_naming_the_path(tenant_a):
    with pytest.raises(ApprovalError) as refused:
        make_policy(tenant=tenant_a, conditions={"fact": "offer.salary", "op": "gt"})
    assert "conditions.value" in refused.value.fields


def test_an_edit_makes_a_new_version_and_open_rounds_keep_theirs(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    round_ = world.request()
    with tenant_context(tenant_a):
        policy = approval_policy_update(
            policy=world.policy, actor=SYSTEM, steps=[step("HRBP", role("hrbp"))]
        )
        pinned = ApprovalRound.objects.get(pk=round_.pk).policy_version
    assert policy.current_version.number == 2
    assert (pinned.number, len(pinned.steps)) == (1, 3)


def test_a_role_that_may_not_configure_is_refused(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(Exception) as refused:
        approval_policy_update(
            policy=world.policy, actor=Actor(user_id=world.hrbp.pk, role=Role.HRBP), name="x"
        )
    assert refused.value.status == 403


def test_a_department_may_extend_a_template_with_stricter_steps(tenant_a):
    template = make_policy(tenant=tenant_a, steps=[step("HRBP", role("hrbp"))])
    department = factories.make_department(tenant=tenant_a)
    extension = make_policy(
        tenant=tenant_a,
        department=department,
        extends=template,
        position=1,
        steps=[step("HRBP", role("hrbp")), step("Head", role("department_head"))],
    )
    assert refreshed(extension).extends_id == template.pk


def test_an_extension_that_weakens_its_template_is_refused(tenant_a):
    template = make_policy(
        tenant=tenant_a, steps=[step("Both", role("hrbp"), role("hiring_manager"))]
    )
    department = factories.make_department(tenant=tenant_a)
    with pytest.raises(ApprovalError) as refused:
        make_policy(
            tenant=tenant_a,
            department=department,
            extends=template,
            steps=[step("Both", role("hrbp"), role("hiring_manager"), quorum="any")],
        )
    assert refused.value.code == ApprovalErrorCode.EXTENSION_WEAKENS_TEMPLATE
    assert "steps[0].quorum" in refused.value.fields


def test_a_department_policy_is_only_for_its_department(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    elsewhere = factories.make_department(tenant=tenant_a)
    make_policy(tenant=tenant_a, department=elsewhere, position=1, steps=[step("H", role("hrbp"))])
    round_ = world.request()
    assert round_.policy_version.policy_id == world.policy.pk


def test_a_named_approver_who_may_not_approve_answers_400(tenant_a):
    coordinator = make_person(tenant=tenant_a, role_name=Role.COORDINATOR)
    with pytest.raises(ApprovalError) as refused:
        make_policy(tenant=tenant_a, steps=[step("A", user(coordinator))])
    assert "steps[0].approvers[0].user" in refused.value.fields


def test_a_hiring_manager_who_may_not_approve_is_not_asked(tenant_a):
    world = make_approval_world(tenant=tenant_a, steps=[step("HM", role("hiring_manager"))])
    with all_tenants_context():
        Membership.all_tenants.filter(user=world.hiring_manager).update(role=Role.COORDINATOR)
    with tenant_context(tenant_a):
        preview = approval_preview(subject=subject_of_offer(world.offer))
    assert preview.steps[0].approvers == ()
    assert "Nobody can approve it yet" in preview.steps[0].why
    with pytest.raises(ApprovalError) as refused:
        world.request()
    assert (refused.value.status, refused.value.code) == (422, ApprovalErrorCode.NOTHING_TO_APPROVE)


@pytest.mark.parametrize("position", [-1, "first", True])
def test_a_bad_position_answers_400(tenant_a, position):
    with pytest.raises(ApprovalError) as refused:
        make_policy(tenant=tenant_a, position=position)
    assert "position" in refused.value.fields


@pytest.mark.parametrize("slots", [["x"], {"Finance": "me"}])
def test_bad_slots_answer_400(tenant_a, slots):
    world = make_approval_world(tenant=tenant_a)
    with pytest.raises(ApprovalError) as refused:
        world.request(slots=slots)
    assert refused.value.status == 400


def test_a_divisions_policy_covers_the_teams_below_it(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    division = factories.make_department(tenant=tenant_a)
    with all_tenants_context():
        team = world.requisition.department
        team.parent = division
        team.save()
    covering = make_policy(
        tenant=tenant_a, department=division, position=1, steps=[step("H", role("hrbp"))]
    )
    assert world.request().policy_version.policy_id == covering.pk
