"""Recipes of the approvals POST routes (the API client acts for a person: `acting_user`),
beside those of the other apps in post_recipes.py."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from approvals.models import ApprovalStep
from tenants.context import tenant_context
from tenants.models import Role
from tests import factories
from tests.approvals import factories as approval_factories

from .post_recipes import Post


def _offer(tenant) -> Post:
    application = factories.make_application(tenant=tenant)
    body = {
        "application": str(application.pk),
        "title": "Engineer",
        "salary_amount": "90000",
        "salary_currency": "USD",
    }
    return Post(reverse("offers-list"), body)


def _world_round(tenant):
    world = approval_factories.make_approval_world(tenant=tenant)
    round_ = world.request()
    with tenant_context(tenant):
        step = ApprovalStep.objects.get(round=round_, status="due")
    return world, round_, step


def _decision(tenant) -> Post:
    world, round_, _ = _world_round(tenant)
    return Post(
        reverse("approval-request-decisions", kwargs={"pk": round_.pk}),
        {"decision": "approve", "acting_user": world.hiring_manager.pk},
        headers={"HTTP_IF_MATCH": f'"{round_.version}"'},
    )


def _override(tenant, admin, *, replace: bool) -> Post:
    world, round_, step = _world_round(tenant)
    body = {
        "step": str(step.pk),
        "approver": world.hiring_manager.pk,
        "reason": "On leave",
        "acting_user": admin.pk,
    }
    if replace:
        stand_in = approval_factories.make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
        name, body = "approval-request-replace-approver", {**body, "replacement": stand_in.pk}
    else:
        name, body = "approval-request-decide-on-behalf", {**body, "decision": "approve"}
    return Post(reverse(name, kwargs={"pk": round_.pk}), body)


def _delegation(tenant) -> Post:
    delegator = approval_factories.make_person(tenant=tenant, role_name=Role.HIRING_MANAGER)
    delegate = approval_factories.make_person(tenant=tenant, role_name=Role.HRBP)
    today = timezone.localdate().isoformat()
    return Post(
        reverse("approval_delegations-list"),
        {
            "delegate": delegate.pk,
            "starts_on": today,
            "ends_on": today,
            "acting_user": delegator.pk,
        },
    )


def _delegation_cancel(tenant) -> Post:
    delegation = approval_factories.make_delegation(tenant=tenant)
    return Post(
        reverse("approval_delegations-cancel", kwargs={"pk": delegation.pk}),
        {"acting_user": delegation.delegator_id},
    )


APPROVAL_RECIPES: dict[str, Callable[..., Post]] = {
    "offers-list": lambda t, u: _offer(t),
    "approval_policies-list": lambda t, u: Post(
        reverse("approval_policies-list"),
        {
            "name": "Offers",
            "subject_kind": "offer",
            "steps": [{"name": "HM", "approvers": [{"role": "hiring_manager"}]}],
        },
    ),
    "approval_policies-order": lambda t, u: Post(
        reverse("approval_policies-order"),
        {"policies": [str(approval_factories.make_policy(tenant=t).pk)]},
    ),
    "approval_policies-preview": lambda t, u: Post(
        reverse("approval_policies-preview"),
        {
            "department": str(factories.make_department(tenant=t).pk),
            "requisition_type": str(factories.make_requisition_type(tenant=t).pk),
        },
    ),
    "approval_requests-list": lambda t, u: Post(
        reverse("approval_requests-list"),
        {"offer": str(approval_factories.make_approval_world(tenant=t).offer.pk)},
    ),
    "approval_requests-withdraw": lambda t, u: Post(
        reverse(
            "approval_requests-withdraw", kwargs={"pk": approval_factories.make_round(tenant=t).pk}
        )
    ),
    "approval-request-decisions": lambda t, u: _decision(t),
    "approval-request-replace-approver": lambda t, u: _override(t, u, replace=True),
    "approval-request-decide-on-behalf": lambda t, u: _override(t, u, replace=False),
    "approval_delegations-list": lambda t, u: _delegation(t),
    "approval_delegations-cancel": lambda t, u: _delegation_cancel(t),
    **{
        name: lambda t, u, name=name: Post(
            reverse(name, kwargs={"pk": approval_factories.make_override(tenant=t).pk}),
            {"acting_user": u.pk},
        )
        for name in ("approval_overrides-confirm", "approval_overrides-reject")
    },
}
