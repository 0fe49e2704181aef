"""One machinery for every subject: a requisition's opening and a stage-gated milestone are
approved like an offer; the due step's email links to My approvals and names no salary."""

import pytest
from django.core import mail
from django.test import TestCase

from approvals.models import RoundStatus, SubjectKind
from approvals.selectors import approval_states_of_application
from approvals.services import (
    approval_decide,
    approval_request,
    subject_of_milestone,
    subject_of_requisition,
)
from tenants.context import tenant_context
from tests.approvals.factories import make_approval_world, make_policy, role, step

pytestmark = pytest.mark.django_db


def test_a_requisition_opening_is_approved_under_its_own_policy(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    make_policy(
        tenant=tenant_a,
        subject_kind=SubjectKind.REQUISITION,
        name="Openings",
        steps=[step("Head", role("department_head"))],
    )
    with tenant_context(tenant_a):
        round_ = approval_request(
            subject=subject_of_requisition(world.requisition), actor=world.recruiter_actor
        )
        decided = approval_decide(round=round_, actor=world.head_actor, decision="approve")
    assert round_.subject_key == f"requisition:{world.requisition.pk}"
    assert decided.status == RoundStatus.APPROVED


def test_a_stage_gated_milestone_is_approved_and_read_by_its_code(tenant_a):
    world = make_approval_world(tenant=tenant_a)
    make_policy(
        tenant=tenant_a,
        subject_kind=SubjectKind.MILESTONE,
        name="Executive clearance",
        conditions={"fact": "milestone.code", "op": "eq", "value": "EXEC_CLEARANCE"},
        steps=[step("HRBP", role("hrbp"))],
    )
    subject = subject_of_milestone(world.application, "EXEC_CLEARANCE")
    with tenant_context(tenant_a):
        round_ = approval_request(subject=subject, actor=world.recruiter_actor)
        before = approval_states_of_application(world.application.pk)
        approval_decide(round=round_, actor=world.hrbp_actor, decision="approve")
        after = approval_states_of_application(world.application.pk)
    assert str(before["milestone:EXEC_CLEARANCE"]) == "Awaiting approval: step 1 of 1 (HRBP)"
    assert after["milestone:EXEC_CLEARANCE"].granted


def test_the_due_email_links_to_my_approvals_and_carries_no_salary(tenant_a, settings):
    settings.SITE_URL = "https://ats.example.com"
    world = make_approval_world(tenant=tenant_a, salary_amount="123456")
    with tenant_context(tenant_a):
        round_ = world.request()
    mail.outbox.clear()
    with tenant_context(tenant_a), TestCase.captureOnCommitCallbacks(execute=True):
        approval_decide(round=round_, actor=world.hiring_manager_actor, decision="approve")
    assert [m.to for m in mail.outbox] == [[world.hrbp.email]]
    message = mail.outbox[0]
    assert "https://ats.example.com/approvals/" in message.body
    assert "123456" not in message.subject + message.body
    assert "Step 2 of 2 (HRBP)" in message.body
