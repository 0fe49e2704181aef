"""The demo seed gives the hiring manager and the HRBP something due on "My approvals"."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from approvals.models import ApprovalPolicy, ApprovalRound, RoundStatus, SubjectKind
from approvals.selectors import my_approvals
from milestones.models import MilestoneDefinition
from notifications.models import Notification
from tenants.context import tenant_context
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_policy_and_offers_due_for_the_hiring_manager_and_the_hrbp():
    call_command("seed_demo", stdout=StringIO())
    users = get_user_model().objects
    acme = Tenant.objects.get(slug="acme")
    with tenant_context(acme):
        policy = ApprovalPolicy.objects.select_related("current_version").get(name="Offer approval")
        statuses = sorted(ApprovalRound.objects.values_list("status", flat=True))
        hm = my_approvals(user_id=users.get(username="acme-hiring-manager").pk)
        hrbp = my_approvals(user_id=users.get(username="acme-hrbp").pk)
        offer_gate = MilestoneDefinition.objects.get(code="OFFER").gate_conditions
        told = Notification.objects.filter(kind="approval.due").count()
    assert [s["name"] for s in policy.current_version.steps] == [
        "Hiring manager",
        "HRBP",
        "Department head",
    ]
    assert RoundStatus.APPROVED in statuses and RoundStatus.REQUESTED in statuses
    assert hm.due and hrbp.due
    assert {"type": "approval_granted"} in offer_gate
    assert told >= 2
    # A requisition's opening, due for the HRBP, has a round page of its own.
    opening = [a for a in hrbp.due if a.round.subject_kind == SubjectKind.REQUISITION]
    assert len(opening) == 1 and opening[0].step.name == "HRBP"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing created" in out.getvalue()
