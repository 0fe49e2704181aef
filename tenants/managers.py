"""Managers that fail closed: no tenant in context, no query."""

from __future__ import annotations

from django.db import models

from tenants.context import current_tenant_id, in_all_tenants_scope, tenant_uuid
from tenants.errors import CrossTenantAccess, TenantContextMissing


class TenantScopedQuerySet(models.QuerySet):
    def for_tenant(self, tenant) -> TenantScopedQuerySet:
        return self.filter(tenant_id=tenant_uuid(tenant))


class TenantScopedManager(models.Manager.from_queryset(TenantScopedQuerySet)):
    """`Model.objects`: rows of the tenant in context, and an error when there is none."""

    def get_queryset(self) -> TenantScopedQuerySet:
        tenant_id = current_tenant_id()
        if tenant_id is None:
            if in_all_tenants_scope():
                return super().get_queryset()
            raise TenantContextMissing(
                f"{self.model.__name__}.objects used with no tenant in context; "
                "wrap the code in tenant_context() or use for_tenant()"
            )
        return super().get_queryset().filter(tenant_id=tenant_id)

    def for_tenant(self, tenant) -> TenantScopedQuerySet:
        tenant_id = tenant_uuid(tenant)
        in_context = current_tenant_id()
        if in_context is not None and in_context != tenant_id:
            raise CrossTenantAccess(f"{self.model.__name__}: asked for another tenant's rows")
        return super().get_queryset().filter(tenant_id=tenant_id)


class AllTenantsManager(models.Manager):
    """`Model.all_tenants`: unscoped. Only for admin, migrations and cross-tenant jobs."""
