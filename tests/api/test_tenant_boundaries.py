"""Every API route that takes an id is proven to keep tenants apart.

The routes are enumerated from the URL conf, not listed by hand: a new endpoint with
an id parameter fails here until it has a factory in BOUNDARY_FACTORIES, and then it
is checked like every other one: tenant A asking for tenant B's object by id gets 404
for every method the route allows, B's row is unchanged, and the attempt is recorded
as an access.denied audit event in A's tenant.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, reverse

from approvals.models import (
    ApprovalDelegation,
    ApprovalOverride,
    ApprovalPolicy,
    ApprovalRound,
    Offer,
)
from audit.models import AuditAction
from integrations.models import BackgroundCheck, Connection, Delivery, SyncConflict
from milestones.models import (
    ApplicationEvent,
    AutomationFailure,
    AutomationRule,
    DeadlineRule,
    EscalationRule,
    Framework,
    FrameworkVersion,
    Holiday,
    LegacyStageMapping,
    SandboxRun,
)
from notifications.models import Notification
from recruiting.models import Application, Candidate, Requisition
from reporting.models import RegressionAlert, ScheduledExport
from tenants.context import all_tenants_context
from tenants.models import Department, JobFamily, Location, RequisitionType
from tests import factories
from tests.approvals import factories as approval_factories
from tests.integrations import factories as integration_factories
from tests.milestones import factories as milestone_factories
from tests.reporting import factories as reporting_factories
from tests.support import (
    CHECKED_METHODS,
    allowed_methods,
    api_routes,
    assert_error,
    audit_events,
    is_id_parameter,
    refreshed,
)

# route name -> (model, factory(tenant=...)) for every route with an id parameter.
BOUNDARY_FACTORIES: dict[str, tuple[type, Callable]] = {
    "departments-detail": (Department, factories.make_department),
    "job_families-detail": (JobFamily, factories.make_job_family),
    "locations-detail": (Location, factories.make_location),
    "requisition_types-detail": (RequisitionType, factories.make_requisition_type),
    "requisitions-detail": (Requisition, factories.make_requisition),
    "candidates-detail": (Candidate, factories.make_candidate),
    "applications-detail": (Application, factories.make_application),
    "framework-detail": (Framework, milestone_factories.make_framework),
    "framework-versions": (Framework, milestone_factories.make_framework),
    "framework-version-detail": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-copy-to-draft": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-milestones": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-milestone": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-reorder": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-pilot": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-publish": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-retire": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-sandbox-runs": (FrameworkVersion, milestone_factories.make_version),
    "framework-version-publish-preview": (FrameworkVersion, milestone_factories.make_version),
    "sandbox_run-detail": (SandboxRun, milestone_factories.make_sandbox_run),
    "requisition-framework-version": (Requisition, factories.make_requisition),
    "application-milestones": (Application, factories.make_application),
    "application-transitions": (Application, factories.make_application),
    "legacy-mapping-detail": (LegacyStageMapping, milestone_factories.make_legacy_stage_mapping),
    "automation-rule-detail": (AutomationRule, milestone_factories.make_automation_rule),
    "event-detail": (ApplicationEvent, milestone_factories.make_application_event),
    "automation_failures-detail": (AutomationFailure, reporting_factories.make_failure),
    "automation_failures-retry": (AutomationFailure, reporting_factories.make_failure),
    "automation_failures-dismiss": (AutomationFailure, reporting_factories.make_failure),
    "notifications-read": (Notification, reporting_factories.make_notification),
    "reports-regression-alerts-detail": (
        RegressionAlert,
        reporting_factories.make_regression_alert,
    ),
    "scheduled_exports-detail": (ScheduledExport, reporting_factories.make_scheduled_export),
    # Timers
    "escalation_rule-detail": (EscalationRule, milestone_factories.make_escalation_rule),
    "deadline_rule-detail": (DeadlineRule, milestone_factories.make_deadline_rule),
    "holiday-detail": (Holiday, milestone_factories.make_holiday),
    "application-deadlines": (Application, factories.make_application),
    "application-deadline": (Application, factories.make_application),
    # Integrations
    "connections-detail": (Connection, integration_factories.make_any_connection),
    "background_checks-detail": (BackgroundCheck, integration_factories.make_background_check),
    "background_checks-decision": (
        BackgroundCheck,
        integration_factories.make_background_check,
    ),
    "background_checks-retry": (BackgroundCheck, integration_factories.make_background_check),
    "connections-validate": (Connection, integration_factories.make_any_connection),
    "connections-rotate-secret": (Connection, integration_factories.make_any_connection),
    "connections-deliveries": (Connection, integration_factories.make_any_connection),
    "deliveries-detail": (Delivery, integration_factories.make_dead_letter),
    "dead_letters-replay": (Delivery, integration_factories.make_dead_letter),
    "connection-field-precedence": (Connection, integration_factories.make_any_connection),
    "connection-health": (Connection, integration_factories.make_any_connection),
    "connections-inbound-receipts": (Connection, integration_factories.make_any_connection),
    # Signed by the peer, not by us: a caller with our credentials for another tenant is 404.
    "inbound": (Connection, integration_factories.make_any_connection),
    "sync_conflicts-detail": (SyncConflict, integration_factories.make_sync_conflict),
    "sync_conflicts-resolve": (SyncConflict, integration_factories.make_sync_conflict),
    # Approvals
    "offers-detail": (Offer, approval_factories.make_offer),
    "approval_policies-detail": (ApprovalPolicy, approval_factories.make_policy),
    "approval_policies-versions": (ApprovalPolicy, approval_factories.make_policy),
    "approval_requests-detail": (ApprovalRound, approval_factories.make_round),
    "approval_requests-withdraw": (ApprovalRound, approval_factories.make_round),
    "approval-request-decisions": (ApprovalRound, approval_factories.make_round),
    "approval-request-replace-approver": (ApprovalRound, approval_factories.make_round),
    "approval-request-decide-on-behalf": (ApprovalRound, approval_factories.make_round),
    "approval_delegations-detail": (ApprovalDelegation, approval_factories.make_delegation),
    "approval_delegations-cancel": (ApprovalDelegation, approval_factories.make_delegation),
    "approval_overrides-detail": (ApprovalOverride, approval_factories.make_override),
    "approval_overrides-confirm": (ApprovalOverride, approval_factories.make_override),
    "approval_overrides-reject": (ApprovalOverride, approval_factories.make_override),
}


def id_routes() -> list[tuple[str, URLPattern, frozenset]]:
    return [r for r in api_routes() if any(is_id_parameter(p) for p in r[2])]


def _id_parameter(params) -> str:
    (param,) = [p for p in params if is_id_parameter(p)]
    return param


def _url(pattern: URLPattern, params, pk) -> str:
    """The route's URL for `pk`; any other parameter (a milestone code) gets a dummy value."""
    param = _id_parameter(params)
    others = {p: "ANY" for p in params if p != param}
    return reverse(pattern.name, kwargs={param: pk, **others})


def _routes_by_name() -> dict[str, tuple[URLPattern, frozenset]]:
    return {pattern.name: (pattern, params) for _, pattern, params in id_routes()}


def _snapshot(obj) -> dict:
    row = refreshed(obj)
    with all_tenants_context():  # many-to-many fields (a framework's types) query too
        return {**model_to_dict(row), "updated_at": row.updated_at}


def test_the_walk_finds_the_api_routes():
    names = {pattern.name for _, pattern, _ in api_routes()}
    assert {"ping", "candidates-list", "candidates-detail"} <= names


def test_every_route_with_an_id_parameter_has_a_boundary_factory():
    missing = sorted(
        f"{pattern.name} ({route})"
        for route, pattern, _ in id_routes()
        if pattern.name not in BOUNDARY_FACTORIES
    )
    assert not missing, f"add these routes to BOUNDARY_FACTORIES: {missing}"
    stale = set(BOUNDARY_FACTORIES) - {pattern.name for _, pattern, _ in id_routes()}
    assert not stale, f"BOUNDARY_FACTORIES names routes that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "pattern", "params"), id_routes(), ids=[p.name for _, p, _ in id_routes()]
)
def test_another_tenants_id_is_404_unchanged_and_audited(
    route, pattern, params, api_a, tenant_a, tenant_b
):
    assert pattern.name in BOUNDARY_FACTORIES, f"{pattern.name} has no boundary factory"
    model, make = BOUNDARY_FACTORIES[pattern.name]
    theirs = make(tenant=tenant_b)
    before = _snapshot(theirs)
    url = _url(pattern, params, theirs.pk)

    methods = allowed_methods(pattern) & CHECKED_METHODS
    assert methods, f"{pattern.name} allows no method to check"
    for method in sorted(methods):
        response = api_a.generic(method, url, "{}", content_type="application/json")
        assert_error(response, 404, "NOT_FOUND")

    assert _snapshot(theirs) == before
    denied = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(theirs.pk))
    assert len(denied) == len(methods)
    assert {event.tenant_id for event in denied} == {tenant_a.pk}
    assert all(event.object_type == model._meta.label for event in denied)
    assert all(event.data["exists_in_other_tenant"] for event in denied)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BOUNDARY_FACTORIES))
def test_an_id_that_exists_nowhere_is_404_too(name, api_a):
    pattern, params = _routes_by_name()[name]
    url = _url(pattern, params, uuid.uuid4())
    for method in sorted(allowed_methods(pattern) & CHECKED_METHODS):
        response = api_a.generic(method, url, "{}", content_type="application/json")
        assert_error(response, 404, "NOT_FOUND")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name in BOUNDARY_FACTORIES
        if name.endswith("-detail")
        and name.replace("-detail", "-list") in {p.name for _, p, _ in api_routes()}
    ),
)
def test_lists_never_show_another_tenants_rows(name, api_a, tenant_a, tenant_b):
    _, make = BOUNDARY_FACTORIES[name]
    theirs = make(tenant=tenant_b)
    mine = make(tenant=tenant_a)
    response = api_a.get(reverse(name.replace("-detail", "-list")))
    assert response.status_code == 200, response.content
    ids = {row["id"] for row in response.json()["results"]}
    assert str(mine.pk) in ids and str(theirs.pk) not in ids
