"""Every browser page that takes an id is proven to keep tenants apart.

The page routes are enumerated from the URL conf, like the API's
(tests/api/test_tenant_boundaries.py): a new page with an id parameter fails here until
it has a factory in BOUNDARY_FACTORIES. Then a signed-in user of tenant A, with the role
the page is for, asking for tenant B's object by id gets 404 for every method the view
has, B's rows are unchanged, and each attempt is an access.denied audit event in A's
tenant. A page with a second id (a milestone of a version) is checked both ways: B's
child under B's parent, and B's child under A's own parent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, reverse

from approvals.models import ApprovalDelegation, ApprovalOverride, ApprovalPolicy, ApprovalRound
from audit.models import AuditAction
from integrations.models import BackgroundCheck, Connection, Delivery, SyncConflict
from milestones.models import (
    AutomationFailure,
    AutomationRule,
    DeadlineRule,
    EscalationRule,
    Framework,
    FrameworkVersion,
    MilestoneDefinition,
    SandboxRun,
    VersionStatus,
)
from notifications.models import Notification
from recruiting.models import Application, Requisition
from tenants.context import all_tenants_context
from tenants.models import Role, TenantScopedModel
from tests import factories
from tests.approvals import factories as approval_factories
from tests.integrations import factories as integration_factories
from tests.milestones import factories as milestone_factories
from tests.reporting import factories as reporting_factories
from tests.support import (
    CHECKED_METHODS,
    allowed_methods,
    audit_events,
    is_id_parameter,
    refreshed,
    walk_routes,
)

NOT_PAGES = ("api/", "admin/")
MAIN_ID = "pk"


def _draft(*, tenant) -> FrameworkVersion:
    # A draft is the most writable version: a page that leaked it could change it.
    return milestone_factories.make_version(tenant=tenant, status=VersionStatus.DRAFT)


def _notification_of_a_member(*, tenant) -> Notification:
    """Notifications are per user: one to another member of `tenant`."""
    member = factories.make_membership(tenant=tenant).user
    return reporting_factories.make_notification(tenant=tenant, recipient=member)


def _first_milestone(version) -> MilestoneDefinition:
    with all_tenants_context():
        return MilestoneDefinition.all_tenants.get(version=version, order=1)


def _automation_rule(version) -> AutomationRule:
    return milestone_factories.make_automation_rule(tenant=version.tenant, version=version)


def _escalation_rule(version) -> EscalationRule:
    return milestone_factories.make_escalation_rule(
        tenant=version.tenant, milestone=_first_milestone(version)
    )


def _deadline_rule(version) -> DeadlineRule:
    return milestone_factories.make_deadline_rule(tenant=version.tenant, version=version)


def _sandbox_run(version) -> SandboxRun:
    return milestone_factories.make_sandbox_run(tenant=version.tenant, version=version)


def _open_round(*, tenant) -> ApprovalRound:
    return approval_factories.make_approval_world(tenant=tenant).request()


# route name -> (model, factory(tenant=...)) of the object the route's `pk` names.
BOUNDARY_FACTORIES: dict[str, tuple[type, Callable]] = {
    "recruiting:requisition-detail": (Requisition, factories.make_requisition),
    "recruiting:requisition-board": (Requisition, factories.make_requisition),
    "recruiting:requisition-access": (Requisition, factories.make_requisition),
    "recruiting:application-detail": (Application, factories.make_application),
    "workflows:framework-new-draft": (Framework, milestone_factories.make_framework),
    "workflows:version-detail": (FrameworkVersion, _draft),
    "workflows:version-copy": (FrameworkVersion, _draft),
    "workflows:version-publish": (FrameworkVersion, _draft),
    "workflows:version-pilot": (FrameworkVersion, _draft),
    "workflows:milestone-add": (FrameworkVersion, _draft),
    "workflows:milestone-edit": (FrameworkVersion, _draft),
    "workflows:milestone-delete": (FrameworkVersion, _draft),
    "workflows:milestone-move": (FrameworkVersion, _draft),
    "workflows:rule-add": (FrameworkVersion, _draft),
    "workflows:rule-edit": (FrameworkVersion, _draft),
    "workflows:rule-delete": (FrameworkVersion, _draft),
    "workflows:sandbox-run": (FrameworkVersion, _draft),
    "workflows:sandbox-run-detail": (FrameworkVersion, _draft),
    "workflows:escalation-add": (FrameworkVersion, _draft),
    "workflows:escalation-delete": (FrameworkVersion, _draft),
    "workflows:deadline-rule-add": (FrameworkVersion, _draft),
    "workflows:deadline-rule-delete": (FrameworkVersion, _draft),
    "reporting:notification-detail": (Notification, _notification_of_a_member),
    "reporting:notification-read": (Notification, _notification_of_a_member),
    "reporting:failure-retry": (AutomationFailure, reporting_factories.make_failure),
    "reporting:failure-dismiss": (AutomationFailure, reporting_factories.make_failure),
    "integrations:connection-detail": (Connection, integration_factories.make_any_connection),
    "integrations:connection-validate": (Connection, integration_factories.make_any_connection),
    "integrations:connection-enable": (Connection, integration_factories.make_any_connection),
    "integrations:dead-letter-replay": (Delivery, integration_factories.make_dead_letter),
    "approvals:decide": (ApprovalRound, _open_round),
    "approvals:round": (ApprovalRound, _open_round),
    "approvals:round-replace-approver": (ApprovalRound, _open_round),
    "approvals:round-decide-on-behalf": (ApprovalRound, _open_round),
    "approvals:requisition-opening": (Requisition, factories.make_requisition),
    "approvals:milestone-clearance": (Application, factories.make_application),
    "approvals:offer": (Application, factories.make_application),
    "approvals:offer-request": (Application, factories.make_application),
    "approvals:offer-withdraw": (Application, factories.make_application),
    "approvals:offer-replace-approver": (Application, factories.make_application),
    "approvals:offer-decide-on-behalf": (Application, factories.make_application),
    "approvals:delegation-cancel": (ApprovalDelegation, approval_factories.make_delegation),
    "approvals:override-confirm": (ApprovalOverride, approval_factories.make_override),
    "approvals:override-reject": (ApprovalOverride, approval_factories.make_override),
    "approvals:policy-edit": (ApprovalPolicy, approval_factories.make_policy),
    "approvals:policy-move": (ApprovalPolicy, approval_factories.make_policy),
    "integrations:background-check-decision": (
        BackgroundCheck,
        integration_factories.make_background_check,
    ),
    "integrations:background-check-retry": (
        BackgroundCheck,
        integration_factories.make_background_check,
    ),
    "integrations:connection-health": (Connection, integration_factories.make_any_connection),
    "integrations:connection-precedence": (Connection, integration_factories.make_any_connection),
    "integrations:conflict-resolve": (SyncConflict, integration_factories.make_sync_conflict),
}
# route name -> (model, factory(parent)) of the child its second id names, a child of
# the object BOUNDARY_FACTORIES makes for that route.
CHILD_FACTORIES: dict[str, tuple[type, Callable]] = {
    "workflows:milestone-edit": (MilestoneDefinition, _first_milestone),
    "workflows:milestone-delete": (MilestoneDefinition, _first_milestone),
    "workflows:milestone-move": (MilestoneDefinition, _first_milestone),
    "workflows:rule-edit": (AutomationRule, _automation_rule),
    "workflows:rule-delete": (AutomationRule, _automation_rule),
    "workflows:escalation-delete": (EscalationRule, _escalation_rule),
    "workflows:deadline-rule-delete": (DeadlineRule, _deadline_rule),
    "workflows:sandbox-run-detail": (SandboxRun, _sandbox_run),
}
# Who in tenant A asks: the role the page is for, so a 404 is the boundary's and not a
# 403 for the role. Workflow pages are for admins; the others for any member.
NAMESPACE_ROLES = {"workflows": Role.ADMIN, "integrations": Role.ADMIN, "approvals": Role.ADMIN}
#: pages for a role other than their namespace's
ROUTE_ROLES = {"recruiting:requisition-access": Role.ADMIN}


def page_routes() -> list[tuple[str, str, URLPattern, frozenset]]:
    return [r for r in walk_routes() if not r[0].startswith(NOT_PAGES)]


def id_routes() -> list[tuple[str, URLPattern, frozenset]]:
    return [
        (name, pattern, params)
        for _, name, pattern, params in page_routes()
        if any(is_id_parameter(p) for p in params)
    ]


def _routes_by_name() -> dict[str, tuple[URLPattern, frozenset]]:
    return {name: (pattern, params) for name, pattern, params in id_routes()}


def _child_parameter(params) -> str | None:
    """The second id of a page about a child (a version's milestone), if it has one."""
    children = [p for p in params if is_id_parameter(p) and p != MAIN_ID]
    assert len(children) <= 1, f"more than two ids: {sorted(params)}"
    return children[0] if children else None


def _url(name: str, params, pk, child_pk=None) -> str:
    kwargs = {MAIN_ID: pk}
    if child := _child_parameter(params):
        kwargs[child] = child_pk or uuid.uuid4()
    return reverse(name, kwargs=kwargs)


def _methods(pattern: URLPattern) -> list[str]:
    methods = sorted(allowed_methods(pattern) & CHECKED_METHODS)
    assert methods, f"{pattern.name} allows no method to check"
    return methods


def _signed_in(name: str, tenant) -> tuple[object, Client]:
    role = ROUTE_ROLES.get(name) or NAMESPACE_ROLES.get(name.split(":")[0], Role.RECRUITER)
    user = factories.make_membership(tenant=tenant, role=role).user
    client = Client()
    client.force_login(user)
    return user, client


def _snapshot(obj) -> dict:
    row = refreshed(obj)
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def _row_counts(tenant) -> dict[str, int]:
    with all_tenants_context():
        return {
            model._meta.label: model.all_tenants.filter(tenant=tenant).count()
            for model in apps.get_models()
            if issubclass(model, TenantScopedModel)
        }


def _state(tenant, *objects) -> list:
    """The objects' rows and how many rows the tenant has in each table: a leaked write
    changes a row, or adds or deletes some (a new draft, a sandbox run)."""
    return [*(_snapshot(obj) for obj in objects), _row_counts(tenant)]


def _assert_denied_each_time(model, obj, *, methods, user, tenant):
    denied = audit_events(action=AuditAction.ACCESS_DENIED, object_id=str(obj.pk))
    assert sorted(event.data["method"] for event in denied) == methods
    assert {event.tenant_id for event in denied} == {tenant.pk}
    assert {event.actor_user_id for event in denied} == {user.pk}
    assert all(event.object_type == model._meta.label for event in denied)
    assert all(event.data["exists_in_other_tenant"] for event in denied)


def test_the_walk_finds_the_pages_and_not_the_api_or_admin():
    names = {name for _, name, _, _ in page_routes()}
    assert {"home", "recruiting:requisition-detail", "workflows:version-detail"} <= names
    assert not {"ping", "candidates-detail", "api-schema"} & names
    assert not any(name.startswith("admin:") for name in names)


def test_every_page_with_an_id_parameter_has_a_boundary_factory():
    routes = _routes_by_name()
    missing = sorted(set(routes) - set(BOUNDARY_FACTORIES))
    assert not missing, f"add these pages to BOUNDARY_FACTORIES: {missing}"
    stale = set(BOUNDARY_FACTORIES) - set(routes)
    assert not stale, f"BOUNDARY_FACTORIES names pages that no longer exist: {stale}"
    nested = {name for name, (_, params) in routes.items() if _child_parameter(params)}
    assert nested == set(CHILD_FACTORIES), "CHILD_FACTORIES must name the pages with two ids"
    assert all(MAIN_ID in params for _, params in routes.values()), "an id not named pk"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BOUNDARY_FACTORIES))
def test_another_tenants_id_is_404_unchanged_and_audited(name, tenant_a, tenant_b):
    pattern, params = _routes_by_name()[name]
    model, make = BOUNDARY_FACTORIES[name]
    theirs = make(tenant=tenant_b)
    # A page with a second id names B's child of that same object.
    children = [CHILD_FACTORIES[name][1](theirs)] if name in CHILD_FACTORIES else []
    before = _state(tenant_b, theirs, *children)
    user, client = _signed_in(name, tenant_a)
    url = _url(name, params, theirs.pk, *(child.pk for child in children))

    methods = _methods(pattern)
    for method in methods:
        response = client.generic(method, url)
        assert response.status_code == 404, (method, response.status_code)

    assert _state(tenant_b, theirs, *children) == before
    _assert_denied_each_time(model, theirs, methods=methods, user=user, tenant=tenant_a)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CHILD_FACTORIES))
def test_another_tenants_child_under_my_own_parent_is_404_unchanged_and_audited(
    name, tenant_a, tenant_b
):
    pattern, params = _routes_by_name()[name]
    _, make = BOUNDARY_FACTORIES[name]
    model, make_child = CHILD_FACTORIES[name]
    mine = make(tenant=tenant_a)
    their_child = make_child(make(tenant=tenant_b))
    before = _state(tenant_b, mine, their_child)
    user, client = _signed_in(name, tenant_a)
    url = _url(name, params, mine.pk, their_child.pk)

    methods = _methods(pattern)
    for method in methods:
        response = client.generic(method, url)
        assert response.status_code == 404, (method, response.status_code)

    assert _state(tenant_b, mine, their_child) == before
    _assert_denied_each_time(model, their_child, methods=methods, user=user, tenant=tenant_a)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BOUNDARY_FACTORIES))
def test_an_id_that_exists_nowhere_is_404_too(name, tenant_a):
    pattern, params = _routes_by_name()[name]
    _, client = _signed_in(name, tenant_a)
    url = _url(name, params, uuid.uuid4())
    for method in _methods(pattern):
        response = client.generic(method, url)
        assert response.status_code == 404, (method, response.status_code)
