"""The tenant in context: one ContextVar for the ORM, one Postgres setting for RLS.

Every request, API call and task runs inside `tenant_context(tenant)`. The ORM's
default manager reads the ContextVar and refuses to run without it; Postgres
row-level security reads `app.tenant_id` and shows no rows without it. Code that
must cross tenants (login, token lookup, sweeps) says so with `all_tenants_context()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DatabaseError, connection


@dataclass(frozen=True, slots=True)
class _Scope:
    tenant_id: uuid.UUID | None
    all_tenants: bool = False


_NO_SCOPE = _Scope(tenant_id=None)
_scope: ContextVar[_Scope] = ContextVar("ats_tenant_scope", default=_NO_SCOPE)

_SET_SQL = "SELECT set_config('app.tenant_id', %s, false), set_config('app.all_tenants', %s, false)"


def current_tenant_id() -> uuid.UUID | None:
    return _scope.get().tenant_id


def in_all_tenants_scope() -> bool:
    return _scope.get().all_tenants


def tenant_uuid(tenant) -> uuid.UUID:
    if isinstance(tenant, uuid.UUID):
        return tenant
    if isinstance(tenant, str):
        return uuid.UUID(tenant)
    return tenant.pk


def _apply_to_database(scope: _Scope) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            _SET_SQL,
            [str(scope.tenant_id) if scope.tenant_id else "", "on" if scope.all_tenants else "off"],
        )


@contextmanager
def _entered(scope: _Scope) -> Iterator[None]:
    token = _scope.set(scope)
    _apply_to_database(scope)
    try:
        yield
    finally:
        _scope.reset(token)
        try:
            _apply_to_database(_scope.get())
        except DatabaseError:
            # An aborted transaction is about to roll back, which restores the
            # setting that was in force when it began.
            if not connection.in_atomic_block:
                raise


@contextmanager
def tenant_context(tenant) -> Iterator[None]:
    """Scope the ORM and the database session to one tenant until the block ends."""
    with _entered(_Scope(tenant_id=tenant_uuid(tenant))):
        yield


@contextmanager
def all_tenants_context() -> Iterator[None]:
    """Dangerous: lift tenant scoping for platform work (auth look-ups, sweeps, admin)."""
    with _entered(_Scope(tenant_id=None, all_tenants=True)):
        yield
