"""Every POST of the API honours `Idempotency-Key`: the routes come from the URL conf.

A new POST route fails here until it has a recipe in POST_RECIPES (a request that
succeeds), and then it is checked like every other one: the same key with the same request
answers the first response again with `Idempotent-Replayed: true` and writes nothing, and
the same key with another request answers 422 naming the header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import ApprovalStep
from ats_milestones.api.base import TenantScopedMixin
from milestones.models import LegacyStageMapping, MilestoneDefinition, VersionStatus
from recruiting.models import Candidate
from tenants.context import all_tenants_context, tenant_context
from tenants.models import Role, TenantScopedModel
from tests import factories
from tests.approvals import factories as approval_factories
from tests.integrations.factories import (
    UNUSED_LOOPBACK,
    make_any_connection,
    make_background_check,
    make_dead_letter,
    make_sync_conflict,
)
from tests.milestones.factories import (
    make_framework,
    make_tracked_application,
    make_version,
    milestone_of,
)
from tests.reporting.factories import make_failure, make_gated_application, make_notification
from tests.support import allowed_methods, api_routes, assert_error


@dataclass
class Post:
    """One request that succeeds, and who sends it."""

    url: str
    body: object = None
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    as_user: bool = False  # a signed-in person (notifications are theirs), else the API client


def _draft(tenant):
    return make_version(tenant=tenant, status=VersionStatus.DRAFT)


def _active(tenant):
    return make_version(tenant=tenant, status=VersionStatus.ACTIVE)


def _requisition_body(tenant):
    department = factories.make_department(tenant=tenant)
    requisition_type = factories.make_requisition_type(tenant=tenant)
    return {
        "title": "Staff Engineer",
        "department": str(department.pk),
        "requisition_type": str(requisition_type.pk),
        "openings": 2,
    }


def _application_body(tenant):
    candidate = factories.make_candidate(tenant=tenant)
    requisition = factories.make_requisition(tenant=tenant, framework_version=_active(tenant))
    return {"candidate": str(candidate.pk), "requisition": str(requisition.pk)}


def _version_url(name: str, version) -> str:
    return reverse(name, kwargs={"pk": version.pk})


def _sandbox_run(tenant) -> Post:
    return Post(
        _version_url("framework-version-sandbox-runs", _draft(tenant)),
        {
            "clock_start": "2026-03-02T09:00:00Z",
            "clock_end": "2026-03-06T09:00:00Z",
            "applications": [{"key": "ann"}],
        },
    )


def _publish_preview(tenant) -> Post:
    active = _active(tenant)
    draft = make_version(tenant=tenant, framework=active.framework, status=VersionStatus.DRAFT)
    return Post(_version_url("framework-version-publish-preview", draft), {"horizon_days": 1})


def _milestone_of(version, order: int = 1) -> MilestoneDefinition:
    with all_tenants_context():
        return MilestoneDefinition.all_tenants.get(version=version, order=order)


def _move(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    return Post(
        reverse("application-transitions", kwargs={"pk": application.pk}),
        {"action": "advance"},
        headers={"HTTP_IF_MATCH": f'"{application.version}"'},
    )


def _event(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    return Post(
        reverse("event-list"),
        {
            "application_id": str(application.pk),
            "event_type": "assessment.completed",
            "occurred_at": "2026-03-02T10:00:00Z",
            "payload": {"score": 75},
            "idempotency_id": "evt-1",
        },
    )


def _legacy_import(tenant) -> Post:
    version = _active(tenant)
    with all_tenants_context():
        LegacyStageMapping.all_tenants.create(
            tenant=tenant, source_system="oldats", legacy_stage="New", milestone_code="APPLIED"
        )
    requisition = factories.make_requisition(tenant=tenant, framework_version=version)
    factories.make_application(tenant=tenant, requisition=requisition, external_id="EXT-1")
    row = {
        "application_external_id": "EXT-1",
        "legacy_stage": "New",
        "entered_at": "2024-01-02T09:00:00Z",
        "left_at": "",
    }
    return Post(reverse("legacy-imports"), {"source_system": "oldats", "rows": [row]})


def _retry(tenant) -> Post:
    application = make_gated_application(tenant=tenant)
    failure = make_failure(tenant=tenant, application=application)
    with all_tenants_context():
        Candidate.all_tenants.filter(pk=application.candidate_id).update(phone="+1 555 0100")
    return Post(reverse("automation_failures-retry", kwargs={"pk": failure.pk}))


def _deadline(tenant) -> Post:
    application = make_tracked_application(tenant=tenant)
    at = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    return Post(
        reverse("application-deadlines", kwargs={"pk": application.pk}),
        {"kind": "offer_expires_at", "at": at.isoformat()},
    )


# route name -> recipe(tenant, user) of a request that succeeds, for every POST route.
POST_RECIPES: dict[str, Callable[..., Post]] = {
    "departments-list": lambda t, u: Post(
        reverse("departments-list"), {"code": "ENG", "name": "E"}
    ),
    "job_families-list": lambda t, u: Post(
        reverse("job_families-list"), {"code": "S", "name": "S"}
    ),
    "locations-list": lambda t, u: Post(
        reverse("locations-list"), {"code": "BER", "name": "Berlin", "country": "DE"}
    ),
    "requisition_types-list": lambda t, u: Post(
        reverse("requisition_types-list"), {"code": "STD", "name": "Std", "flsa_status": "exempt"}
    ),
    "requisitions-list": lambda t, u: Post(reverse("requisitions-list"), _requisition_body(t)),
    "candidates-list": lambda t, u: Post(
        reverse("candidates-list"), {"first_name": "Ada", "last_name": "Lovelace"}
    ),
    "applications-list": lambda t, u: Post(reverse("applications-list"), _application_body(t)),
    "framework-list": lambda t, u: Post(reverse("framework-list"), {"name": "Engineering"}),
    "framework-versions": lambda t, u: Post(
        reverse("framework-versions", kwargs={"pk": make_framework(tenant=t).pk})
    ),
    "framework-version-copy-to-draft": lambda t, u: Post(
        _version_url("framework-version-copy-to-draft", _active(t))
    ),
    "framework-version-milestones": lambda t, u: Post(
        _version_url("framework-version-milestones", _draft(t)), {"code": "EXTRA", "name": "X"}
    ),
    "framework-version-pilot": lambda t, u: Post(
        _version_url("framework-version-pilot", _draft(t)),
        {"department_ids": [str(factories.make_department(tenant=t).pk)]},
    ),
    "framework-version-publish": lambda t, u: Post(
        _version_url("framework-version-publish", _draft(t))
    ),
    "framework-version-reorder": lambda t, u: Post(
        _version_url("framework-version-reorder", _draft(t)),
        {"codes": ["HIRED", "OFFER", "INTERVIEW", "SCREEN", "APPLIED"]},
    ),
    "framework-version-retire": lambda t, u: Post(
        _version_url("framework-version-retire", _active(t))
    ),
    "framework-version-sandbox-runs": lambda t, u: _sandbox_run(t),
    "framework-version-publish-preview": lambda t, u: _publish_preview(t),
    "automation-rule-list": lambda t, u: Post(
        reverse("automation-rule-list"),
        {
            "version_id": str(_draft(t).pk),
            "kind": "auto_advance",
            "name": "assessment passed",
            "milestone_code": "SCREEN",
            "event_type": "assessment.completed",
        },
    ),
    "event-list": lambda t, u: _event(t),
    "application-transitions": lambda t, u: _move(t),
    "legacy-mapping-list": lambda t, u: Post(
        reverse("legacy-mapping-list"),
        {"source_system": "oldats", "legacy_stage": "New", "milestone_code": "APPLIED"},
    ),
    "legacy-imports": lambda t, u: _legacy_import(t),
    "escalation_rule-list": lambda t, u: Post(
        reverse("escalation_rule-list"),
        {"milestone_id": str(_milestone_of(_draft(t)).pk), "level": 1, "after": "2 00:00:00"},
    ),
    "deadline_rule-list": lambda t, u: Post(
        reverse("deadline_rule-list"),
        {
            "version_id": str(_draft(t).pk),
            "name": "Offer expiry reminder",
            "deadline_kind": "offer_expires_at",
            "offset": "-2 00:00:00",
            "action": "remind",
        },
    ),
    "holiday-list": lambda t, u: Post(
        reverse("holiday-list"), {"date": "2026-12-25", "name": "Christmas"}
    ),
    "application-deadlines": lambda t, u: _deadline(t),
    "automation_failures-dismiss": lambda t, u: Post(
        reverse("automation_failures-dismiss", kwargs={"pk": make_failure(tenant=t).pk}),
        {"reason": "handled by phone"},
    ),
    "automation_failures-retry": lambda t, u: _retry(t),
    "notifications-read-all": lambda t, u: _notification_read_all(t, u),
    # Integrations (validation calls a loopback port nothing answers: saved disabled, 201)
    "connections-list": lambda t, u: Post(
        reverse("connections-list"),
        {"name": "HRIS", "kind": "hris", "endpoint_url": UNUSED_LOOPBACK},
    ),
    "connections-validate": lambda t, u: Post(
        reverse("connections-validate", kwargs={"pk": make_any_connection(tenant=t).pk})
    ),
    "connections-rotate-secret": lambda t, u: Post(
        reverse("connections-rotate-secret", kwargs={"pk": make_any_connection(tenant=t).pk})
    ),
    "dead_letters-replay": lambda t, u: Post(
        reverse("dead_letters-replay", kwargs={"pk": make_dead_letter(tenant=t).pk})
    ),
    "background_checks-decision": lambda t, u: Post(
        reverse("background_checks-decision", kwargs={"pk": make_background_check(tenant=t).pk}),
        {"decision": "proceed", "reason": "Not relevant to the role"},
    ),
    "background_checks-retry": lambda t, u: Post(
        reverse(
            "background_checks-retry",
            kwargs={"pk": make_background_check(tenant=t, status="order_failed").pk},
        )
    ),
    "sync_conflicts-resolve": lambda t, u: Post(
        reverse("sync_conflicts-resolve", kwargs={"pk": make_sync_conflict(tenant=t).pk}),
        {"choose": "theirs"},
    ),
    "dead_letters-replay-many": lambda t, u: Post(
        reverse("dead_letters-replay-many"), {"ids": [str(make_dead_letter(tenant=t).pk)]}
    ),
    "activities": lambda t, u: Post(
        reverse("activities"),
        {
            "activities": [
                {
                    "application_id": str(make_tracked_application(tenant=t).pk),
                    "kind": "interview_held",
                    "occurred_at": "2026-11-30T10:00:00Z",
                }
            ]
        },
    ),
    "scheduled_exports-list": lambda t, u: Post(
        reverse("scheduled_exports-list"),
        {"name": "Nightly", "dataset": "stays", "format": "parquet", "frequency": "daily"},
    ),
    "notifications-read": lambda t, u: Post(
        reverse("notifications-read", kwargs={"pk": make_notification(tenant=t, recipient=u).pk}),
        as_user=True,
    ),
    # Approvals (the API client acts for a person: `acting_user`)
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
    # Reports
    "reports-regression-alerts-list": lambda t, u: _regression_alert(t),
}


def _regression_alert(tenant) -> Post:
    version = _active(tenant)
    return Post(
        reverse("reports-regression-alerts-list"),
        {
            "from_milestone_id": str(milestone_of(version, "OFFER").pk),
            "to_milestone_id": str(milestone_of(version, "INTERVIEW").pk),
        },
    )


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


def _notification_read_all(tenant, user) -> Post:
    make_notification(tenant=tenant, recipient=user)
    return Post(reverse("notifications-read-all"), as_user=True)


# Authenticated by a peer's Standard Webhooks signature, not by our token or session, so
# outside the kernel's base: idempotent by its `webhook-id` instead (a repeat answers the
# first answer with Idempotent-Replayed: true; tests/integrations/test_inbound.py).
SIGNED_WEBHOOK_ROUTES = {"inbound"}


def post_routes() -> list[str]:
    return sorted(
        pattern.name
        for _, pattern, _ in api_routes()
        if "POST" in allowed_methods(pattern) and pattern.name not in SIGNED_WEBHOOK_ROUTES
    )


def _tenant_tables() -> dict[str, tuple]:
    """Rows and the latest change of every tenant table: what a write would move."""
    snapshot = {}
    with all_tenants_context():
        for model in apps.get_models():
            if not issubclass(model, TenantScopedModel):
                continue
            queryset = model.all_tenants.all()
            # Append-only tables (the outbox, delivery attempts) have no updated_at.
            stamp = (
                "updated_at" if hasattr(model, "updated_at") and model.updated_at else "created_at"
            )
            latest = queryset.aggregate(latest=Max(stamp))["latest"]
            snapshot[model._meta.label] = (queryset.count(), latest)
    return snapshot


def test_every_post_route_has_a_recipe():
    routes = post_routes()
    assert len(routes) > 20, routes  # the walk found the API
    missing = sorted(set(routes) - set(POST_RECIPES))
    assert not missing, f"add these POST routes to POST_RECIPES: {missing}"
    stale = sorted(set(POST_RECIPES) - set(routes))
    assert not stale, f"POST_RECIPES names routes that no longer exist: {stale}"


def test_every_api_view_stands_on_the_tenant_scoped_base():
    """The kernel's idempotency lives in that base: a view beside it would skip it."""
    outside = sorted(
        pattern.name
        for _, pattern, _ in api_routes()
        if pattern.name not in {"api-schema", *SIGNED_WEBHOOK_ROUTES}
        and not issubclass(pattern.callback.cls, TenantScopedMixin)
    )
    assert not outside, outside


@pytest.fixture
def member_a(tenant_a):
    user = factories.make_user(username="idem-admin")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


def _send(post: Post, client, key: str, *, query: str = ""):
    body = post.body
    if body is not None and post.content_type == "application/json":
        return client.post(
            post.url + query, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **post.headers
        )
    return client.post(
        post.url + query,
        body if body is not None else "",
        content_type=post.content_type,
        HTTP_IDEMPOTENCY_KEY=key,
        **post.headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", post_routes())
def test_the_same_key_replays_and_another_request_with_it_is_422(name, api_a, tenant_a, member_a):
    assert name in POST_RECIPES, f"{name} has no recipe"
    post = POST_RECIPES[name](tenant_a, member_a)
    if post.as_user:
        client = APIClient()
        client.force_login(member_a)
    else:
        client = api_a

    first = _send(post, client, "key-1")
    assert 200 <= first.status_code < 300, (first.status_code, first.content[:500])
    assert not first.has_header("Idempotent-Replayed")
    written = _tenant_tables()

    replay = _send(post, client, "key-1")
    assert replay.status_code == first.status_code, replay.content[:500]
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert _tenant_tables() == written, "the replay wrote something"

    other = _send(post, client, "key-1", query="?another=request")
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert _tenant_tables() == written
