"""What each principal may do through the API, expressed as API scopes."""

from __future__ import annotations

from tenants.models import ApiScope, Role

_READ = {s for s in ApiScope.values if s.endswith(":read")}
_ALL = set(ApiScope.values)
_RECRUITING_WRITE = {
    ApiScope.REQUISITIONS_WRITE,
    ApiScope.CANDIDATES_WRITE,
    ApiScope.APPLICATIONS_WRITE,
}

ROLE_SCOPES: dict[str, set[str]] = {
    Role.ADMIN: _ALL,
    Role.RECRUITER: _READ | _RECRUITING_WRITE,
    Role.COORDINATOR: _READ | {ApiScope.CANDIDATES_WRITE, ApiScope.APPLICATIONS_WRITE},
    Role.HIRING_MANAGER: _READ,
    Role.HRBP: _READ,
    Role.AUDITOR: _READ,
}


def scopes_of(*, membership=None, api_client=None) -> set[str]:
    if api_client is not None:
        return set(api_client.scopes)
    if membership is not None:
        return ROLE_SCOPES.get(membership.role, set())
    return set()
