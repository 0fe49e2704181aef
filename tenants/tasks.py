"""Celery tasks that touch tenant data run under `tenant_task`: tenant_id in, context set."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable

from celery import shared_task

from tenants.context import tenant_context
from tenants.errors import TenantContextMissing


def tenant_task(**task_options) -> Callable:
    """Declare a Celery task whose first keyword argument is `tenant_id`.

    The task body runs inside `tenant_context(tenant_id)`; calling it without a
    tenant raises instead of running unscoped. Defaults follow STYLE.md: JSON
    arguments, a time limit, late acknowledgement for idempotent work.
    """
    options = {"acks_late": True, "time_limit": 300, "soft_time_limit": 240} | task_options

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*args, tenant_id: str | None = None, **kwargs):
            if not tenant_id:
                raise TenantContextMissing(f"task {func.__name__} called without tenant_id")
            with tenant_context(uuid.UUID(str(tenant_id))):
                return func(*args, tenant_id=tenant_id, **kwargs)

        return shared_task(**options)(run)

    return decorate
