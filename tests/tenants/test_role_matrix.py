"""The role matrix (docs/roles.md) holds on every page and every API write route.

Routes are enumerated from the URL conf, like the tenant-boundary tests: a new page or API
write route fails here until it is listed in PAGE_NEEDS / API_WRITE_NEEDS with the
capability a person needs. Then each role signs in and asks: a role without the capability
gets 403 (with the reason), a role with it gets anything but 403 (ids are random, so the
lookup answers 404 and nothing changes).
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tenants.models import Role
from tenants.permissions import ROLE_CAPABILITIES, Capability
from tests import factories
from tests.support import CHECKED_METHODS, allowed_methods, api_routes, walk_routes

C = Capability
WF = (C.CONFIGURE_WORKFLOWS, C.CONFIGURE_WORKFLOWS)
FAIL = (C.HANDLE_FAILURES, C.HANDLE_FAILURES)

#: page route name -> (capability to GET, capability to POST)
PAGE_NEEDS: dict[str, tuple[Capability, Capability]] = {
    **dict.fromkeys(
        (
            "integrations:connection-list",
            "integrations:connection-detail",
            "integrations:connection-validate",
            "integrations:connection-enable",
            "integrations:dead-letters",
            "integrations:dead-letters-replay",
            "integrations:dead-letter-replay",
            "integrations:connection-health",
            "integrations:connection-precedence",
            "integrations:health",
            "integrations:conflicts",
            "integrations:conflict-resolve",
        ),
        (C.CONFIGURE_INTEGRATIONS, C.CONFIGURE_INTEGRATIONS),
    ),
    "integrations:background-checks": (C.VIEW_SENSITIVE, C.VIEW_SENSITIVE),
    "integrations:background-check-decision": (C.VIEW_SENSITIVE, C.MOVE),
    "integrations:background-check-retry": (C.VIEW_SENSITIVE, C.MOVE),
    "recruiting:requisition-list": (C.VIEW, C.VIEW),
    "recruiting:requisition-detail": (C.VIEW, C.VIEW),
    "recruiting:requisition-board": (C.VIEW, C.MOVE),
    "recruiting:requisition-access": (C.MANAGE_ACCESS, C.MANAGE_ACCESS),
    "recruiting:application-list": (C.VIEW, C.VIEW),
    "recruiting:application-detail": (C.VIEW, C.MOVE),  # its form moves candidates
    "tenants:switch": (C.VIEW, C.VIEW),
    "workflows:framework-list": WF,
    "workflows:framework-new-draft": WF,
    "workflows:version-detail": WF,
    "workflows:version-copy": WF,
    "workflows:version-publish": WF,
    "workflows:version-pilot": WF,
    "workflows:milestone-add": WF,
    "workflows:milestone-edit": WF,
    "workflows:milestone-delete": WF,
    "workflows:milestone-move": WF,
    "workflows:rule-add": WF,
    "workflows:rule-edit": WF,
    "workflows:rule-delete": WF,
    "workflows:sandbox-run": WF,
    "workflows:sandbox-run-detail": WF,
    "workflows:escalation-add": WF,
    "workflows:escalation-delete": WF,
    "workflows:deadline-rule-add": WF,
    "workflows:deadline-rule-delete": WF,
    "reporting:notification-list": (C.VIEW, C.VIEW),
    "reporting:notification-read-all": (C.VIEW, C.VIEW),
    "reporting:notification-detail": (C.VIEW, C.VIEW),
    "reporting:notification-read": (C.VIEW, C.VIEW),
    "home": (C.VIEW, C.VIEW),  # each role's start page
    "reporting:dashboard": (C.VIEW, C.VIEW),
    "reporting:report-applications": (C.VIEW, C.VIEW),
    "reporting:stuck": (C.VIEW, C.VIEW),
    "reporting:failure-list": FAIL,
    "reporting:failure-retry": FAIL,
    "reporting:failure-dismiss": FAIL,
    "exports:page": (C.EXPORT, C.EXPORT),
    "exports:download": (C.EXPORT, C.EXPORT),
    "reconciliation:page": (C.VIEW, C.MANAGE_CANDIDATES),  # its form imports activities
    "approvals:mine": (C.APPROVE, C.APPROVE),
    "approvals:decide": (C.APPROVE, C.APPROVE),
    "approvals:round": (C.VIEW, C.VIEW),
    "approvals:round-replace-approver": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:round-decide-on-behalf": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:requisition-opening": (C.VIEW, C.VIEW),
    "approvals:milestone-clearance": (C.VIEW, C.VIEW),
    "approvals:offer": (C.VIEW, C.REQUEST_APPROVAL),
    "approvals:offer-request": (C.REQUEST_APPROVAL, C.REQUEST_APPROVAL),
    "approvals:offer-withdraw": (C.REQUEST_APPROVAL, C.REQUEST_APPROVAL),
    "approvals:delegations": (C.APPROVE, C.APPROVE),
    "approvals:delegation-cancel": (C.APPROVE, C.APPROVE),
    "approvals:offer-replace-approver": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:offer-decide-on-behalf": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:overrides": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:override-confirm": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:override-reject": (C.DECIDE_ON_BEHALF, C.DECIDE_ON_BEHALF),
    "approvals:policy-list": WF,
    "approvals:policy-edit": WF,
    "approvals:policy-move": WF,
    "audit:search": (C.READ_AUDIT, C.READ_AUDIT),
    "audit:export": (C.READ_AUDIT, C.READ_AUDIT),
}
#: pages outside the tenant's permission layer: signing in and out, the health check.
PUBLIC_PAGES = {"login", "logout", "healthz"}
#: not pages: the API's JSON 404 for routes it does not have.
NOT_PAGES = {"api-not-found"}

_CONFIG = C.CONFIGURE_WORKFLOWS
#: API route name -> the capability a person needs to write through it.
API_WRITE_NEEDS: dict[str, Capability] = {
    **dict.fromkeys(
        (
            "departments-list",
            "departments-detail",
            "job_families-list",
            "job_families-detail",
            "locations-list",
            "locations-detail",
            "requisition_types-list",
            "requisition_types-detail",
            "framework-list",
            "framework-detail",
            "framework-versions",
            "framework-version-copy-to-draft",
            "framework-version-milestone",
            "framework-version-milestones",
            "framework-version-pilot",
            "framework-version-publish",
            "framework-version-reorder",
            "framework-version-retire",
            "framework-version-sandbox-runs",
            "automation-rule-list",
            "automation-rule-detail",
            "event-list",
            "escalation_rule-list",
            "escalation_rule-detail",
            "deadline_rule-list",
            "deadline_rule-detail",
            "holiday-list",
            "holiday-detail",
            "legacy-mapping-list",
            "legacy-mapping-detail",
            "framework-version-publish-preview",
            "milestone-settings",
            "business-hours",
            "legacy-imports",
            "reports-regression-alerts-list",
            "reports-regression-alerts-detail",
            "reports-settings",
        ),
        _CONFIG,
    ),
    **dict.fromkeys(
        (
            "connections-list",
            "connections-detail",
            "connections-validate",
            "connections-rotate-secret",
            "dead_letters-replay",
            "dead_letters-replay-many",
            "connection-field-precedence",
            "integration-settings",
            "sync_conflicts-resolve",
        ),
        C.CONFIGURE_INTEGRATIONS,
    ),
    "background_checks-decision": C.MOVE,
    "background_checks-retry": C.MOVE,
    # A peer's signed webhook: no person's capability opens or closes it (signature only).
    "inbound": C.VIEW,
    "requisitions-list": C.MANAGE_REQUISITIONS,
    "requisitions-detail": C.MANAGE_REQUISITIONS,
    "candidates-list": C.MANAGE_CANDIDATES,
    "candidates-detail": C.MANAGE_CANDIDATES,
    "applications-list": C.MANAGE_CANDIDATES,
    "applications-detail": C.MANAGE_CANDIDATES,
    "application-transitions": C.MOVE,
    "application-deadlines": C.MOVE,
    "application-deadline": C.MOVE,
    "automation_failures-dismiss": C.HANDLE_FAILURES,
    "automation_failures-retry": C.HANDLE_FAILURES,
    "notifications-read-all": C.VIEW,
    "activities": C.MANAGE_CANDIDATES,
    "scheduled_exports-list": C.EXPORT,
    "scheduled_exports-detail": C.EXPORT,
    "notifications-read": C.VIEW,
    # Approvals
    "offers-list": C.REQUEST_APPROVAL,
    "offers-detail": C.REQUEST_APPROVAL,
    "approval_requests-list": C.REQUEST_APPROVAL,
    "approval_requests-withdraw": C.REQUEST_APPROVAL,
    "approval-request-decisions": C.APPROVE,
    "approval_delegations-list": C.APPROVE,
    "approval_delegations-cancel": C.APPROVE,
    "approval-request-replace-approver": C.DECIDE_ON_BEHALF,
    "approval-request-decide-on-behalf": C.DECIDE_ON_BEHALF,
    "approval_overrides-confirm": C.DECIDE_ON_BEHALF,
    "approval_overrides-reject": C.DECIDE_ON_BEHALF,
    "approval_policies-list": C.CONFIGURE_WORKFLOWS,
    "approval_policies-detail": C.CONFIGURE_WORKFLOWS,
    "approval_policies-order": C.CONFIGURE_WORKFLOWS,
    "approval_policies-preview": C.CONFIGURE_WORKFLOWS,
}
_WRITES = CHECKED_METHODS - {"GET"}


def _pages():
    return {
        name: (route, pattern, params)
        for route, name, pattern, params in walk_routes()
        if not route.startswith(("api/", "admin/")) and name not in PUBLIC_PAGES | NOT_PAGES
    }


def _api_writes():
    return {
        pattern.name: (route, pattern, params)
        for route, pattern, params in api_routes()
        if allowed_methods(pattern) & _WRITES
    }


def _url(name: str, params) -> str:
    # Random ids: a role that may act reaches the lookup (404), one that may not is 403 first.
    kwargs = {p: ("CODE" if p in {"code", "kind"} else uuid.uuid4()) for p in params}
    return reverse(name, kwargs=kwargs)


def _client(tenant, role) -> Client:
    client = Client()
    client.force_login(factories.make_membership(tenant=tenant, role=role).user)
    return client


def test_every_page_is_in_the_matrix():
    pages = set(_pages())
    assert not pages - set(PAGE_NEEDS), f"add to PAGE_NEEDS: {sorted(pages - set(PAGE_NEEDS))}"
    assert not set(PAGE_NEEDS) - pages, "PAGE_NEEDS names pages that no longer exist"


def test_every_api_write_route_is_in_the_matrix():
    writes = set(_api_writes())
    missing = sorted(writes - set(API_WRITE_NEEDS))
    assert not missing, f"add to API_WRITE_NEEDS: {missing}"
    assert not set(API_WRITE_NEEDS) - writes, "API_WRITE_NEEDS names routes that do not exist"


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_reaches_exactly_the_pages_its_capabilities_allow(role, tenant_a):
    client = _client(tenant_a, role)
    held = ROLE_CAPABILITIES[role]
    wrong = []
    for name, (_, pattern, params) in sorted(_pages().items()):
        read, write = PAGE_NEEDS[name]
        url = _url(name, params)
        for method in sorted(allowed_methods(pattern) & CHECKED_METHODS):
            needed = read if method == "GET" else write
            status = client.generic(method, url).status_code
            if (status == 403) != (needed not in held):
                wrong.append((name, method, status, str(needed)))
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_each_role_writes_through_the_api_exactly_where_its_capabilities_allow(role, tenant_a):
    client = _client(tenant_a, role)
    held = ROLE_CAPABILITIES[role]
    wrong = []
    for name, (_, pattern, params) in sorted(_api_writes().items()):
        url = "/" + _url(name, params).lstrip("/")
        for method in sorted(allowed_methods(pattern) & _WRITES):
            response = client.generic(method, url, "{}", content_type="application/json")
            if (response.status_code == 403) != (API_WRITE_NEEDS[name] not in held):
                wrong.append((name, method, response.status_code))
            elif response.status_code == 403:
                assert response.json()["error"]["code"] == "PERMISSION_DENIED"
    assert not wrong, wrong


@pytest.mark.django_db
def test_a_forbidden_page_answers_the_styled_403_with_the_reason(tenant_a):
    client = _client(tenant_a, Role.AUDITOR)
    response = client.get(reverse("workflows:framework-list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'data-testid="forbidden"' in body
    assert "An auditor may not design workflows and their rules." in body


def test_every_role_that_reads_the_audit_trail_may_see_sensitive_milestones():
    """The audit search shows each row's data unmasked (moves through a background check
    included): that is safe only while no role reads it without view_sensitive."""
    readers = [role for role, caps in ROLE_CAPABILITIES.items() if C.READ_AUDIT in caps]
    assert readers and all(C.VIEW_SENSITIVE in ROLE_CAPABILITIES[role] for role in readers)
