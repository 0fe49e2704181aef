"""The one permission layer: what each role may do, asked by the API, the pages, the services
and the tasks alike.

A role holds capabilities (`Capability`); the API's scopes for a person are derived from
them, so a page and an API call can never disagree about a role. A service refuses a person
who lacks the capability with `PermissionRefused` (403, the reason in the body or on the
styled 403 page); the system itself (sweeps, imports) and API clients, whose scopes the API
kernel checked at the edge, pass.
"""

from __future__ import annotations

from enum import StrEnum

from ats_milestones.errors import DomainError
from tenants.models import ApiScope, Role


class Capability(StrEnum):
    VIEW = "view"
    MOVE = "move"
    BYPASS = "bypass"
    MANAGE_CANDIDATES = "manage_candidates"
    MANAGE_REQUISITIONS = "manage_requisitions"
    REQUEST_APPROVAL = "request_approval"
    APPROVE = "approve"
    DECIDE_ON_BEHALF = "decide_on_behalf"
    CONFIGURE_WORKFLOWS = "configure_workflows"
    CONFIGURE_INTEGRATIONS = "configure_integrations"
    READ_AUDIT = "read_audit"
    EXPORT = "export"
    HANDLE_FAILURES = "handle_failures"
    VIEW_SENSITIVE = "view_sensitive"
    VIEW_CONFIDENTIAL = "view_confidential"
    MANAGE_ACCESS = "manage_access"


C = Capability

#: The role matrix (docs/roles.md shows it as a table; tests/tenants/test_role_matrix.py
#: walks every page and API write route against it).
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.RECRUITER: frozenset(
        {
            C.VIEW,
            C.MOVE,
            C.BYPASS,
            C.MANAGE_CANDIDATES,
            C.MANAGE_REQUISITIONS,
            C.REQUEST_APPROVAL,
            C.HANDLE_FAILURES,
            C.EXPORT,
            C.VIEW_SENSITIVE,
        }
    ),
    Role.COORDINATOR: frozenset({C.VIEW, C.MANAGE_CANDIDATES}),
    Role.HIRING_MANAGER: frozenset({C.VIEW, C.APPROVE}),
    # An HRBP sees the confidential requisitions of the departments they cover (all of them
    # when tenant-wide): the department scope still applies.
    Role.HRBP: frozenset({C.VIEW, C.APPROVE, C.VIEW_SENSITIVE, C.VIEW_CONFIDENTIAL, C.EXPORT}),
    Role.AUDITOR: frozenset({C.VIEW, C.READ_AUDIT, C.EXPORT, C.VIEW_SENSITIVE}),
}

#: Why a refusal happened, said to a person.
CAPABILITY_REASONS: dict[Capability, str] = {
    C.VIEW: "view this tenant's hiring data",
    C.MOVE: "move candidates between milestones",
    C.BYPASS: "bypass a milestone",
    C.MANAGE_CANDIDATES: "add or change candidates and applications",
    C.MANAGE_REQUISITIONS: "open or change requisitions",
    C.REQUEST_APPROVAL: "request approvals",
    C.APPROVE: "approve or decline",
    C.DECIDE_ON_BEHALF: "decide on someone else's behalf",
    C.CONFIGURE_WORKFLOWS: "design workflows and their rules",
    C.CONFIGURE_INTEGRATIONS: "connect other HR systems or see where events go",
    C.READ_AUDIT: "read the audit trail",
    C.EXPORT: "export data",
    C.HANDLE_FAILURES: "retry or dismiss automation failures",
    C.VIEW_SENSITIVE: "see sensitive milestones",
    C.VIEW_CONFIDENTIAL: "see every confidential requisition",
    C.MANAGE_ACCESS: "grant or revoke access to a confidential requisition",
}

# The audit trail is read only by those who may read it, not by everyone who may view.
# Exports likewise: whole datasets leave the system, so the export capability opens them.
_READ = frozenset(s for s in ApiScope.values if s.endswith(":read")) - {
    ApiScope.AUDIT_READ,
    ApiScope.EXPORTS_READ,
}

#: The API scope each capability opens to a person signed in to the browser session.
_CAPABILITY_SCOPES: dict[Capability, frozenset[str]] = {
    C.VIEW: _READ,
    C.MOVE: frozenset({ApiScope.APPLICATIONS_WRITE}),
    C.MANAGE_CANDIDATES: frozenset({ApiScope.CANDIDATES_WRITE, ApiScope.APPLICATIONS_WRITE}),
    C.MANAGE_REQUISITIONS: frozenset({ApiScope.REQUISITIONS_WRITE}),
    C.CONFIGURE_WORKFLOWS: frozenset({ApiScope.CONFIG_WRITE, ApiScope.EVENTS_WRITE}),
    C.CONFIGURE_INTEGRATIONS: frozenset({ApiScope.CONFIG_WRITE}),
    C.READ_AUDIT: frozenset({ApiScope.AUDIT_READ}),
    # Approvals: the capability (request, approve, decide on behalf) decides what a write may.
    C.REQUEST_APPROVAL: frozenset({ApiScope.APPROVALS_WRITE}),
    C.APPROVE: frozenset({ApiScope.APPROVALS_WRITE}),
    C.DECIDE_ON_BEHALF: frozenset({ApiScope.APPROVALS_WRITE}),
    C.EXPORT: frozenset({ApiScope.EXPORTS_READ, ApiScope.EXPORTS_WRITE}),
}

ROLE_SCOPES: dict[str, set[str]] = {
    role: set().union(*(_CAPABILITY_SCOPES.get(c, frozenset()) for c in caps))
    for role, caps in ROLE_CAPABILITIES.items()
}


class PermissionRefused(DomainError):
    """The caller is who they say, in the right tenant, but their role may not do this."""

    status = 403
    code = "PERMISSION_DENIED"


def role_label(role: str | None) -> str:
    return Role(role).label if role in Role.values else "a person with no role"


def capabilities_of_role(role: str | None) -> frozenset[Capability]:
    return ROLE_CAPABILITIES.get(role or "", frozenset())


def capabilities_of(membership) -> frozenset[Capability]:
    return capabilities_of_role(getattr(membership, "role", None))


def role_may(role: str | None, capability: Capability) -> bool:
    return capability in capabilities_of_role(role)


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles that hold `capability` (to list the people who may, e.g., approve)."""
    return frozenset(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def refusal(role: str | None, capability: Capability) -> PermissionRefused:
    label = role_label(role)
    article = "An" if label[0].lower() in "aeiou" else "A"
    return PermissionRefused(
        f"{article} {label.lower()} may not {CAPABILITY_REASONS[capability]}.",
        fields={"capability": [str(capability)]},
    )


def actor_require(actor, capability: Capability) -> None:
    """Refuse a person whose role lacks `capability`. The system (no user) and API clients
    (their scopes were checked by the API kernel) pass."""
    if actor.user_id is None:
        return
    if not role_may(actor.role, capability):
        raise refusal(actor.role, capability)


def scopes_of(*, membership=None, api_client=None) -> set[str]:
    if api_client is not None:
        return set(api_client.scopes)
    if membership is not None:
        return ROLE_SCOPES.get(membership.role, set())
    return set()
