"""Domain errors of tenancy; the API's exception handler maps each to a status."""

from enum import StrEnum


class TenantErrorCode(StrEnum):
    TENANT_CONTEXT_MISSING = "TENANT_CONTEXT_MISSING"
    CROSS_TENANT_ACCESS = "CROSS_TENANT_ACCESS"
    NOT_A_MEMBER = "NOT_A_MEMBER"


class TenantContextMissing(RuntimeError):
    """A tenant-scoped query ran with no tenant in context: a programming error."""

    code = TenantErrorCode.TENANT_CONTEXT_MISSING


class CrossTenantAccess(RuntimeError):
    """Code asked for one tenant's rows while another tenant is in context."""

    code = TenantErrorCode.CROSS_TENANT_ACCESS


class ConfigErrorCode(StrEnum):
    DUPLICATE_CODE = "DUPLICATE_CODE"
    DEPARTMENT_CYCLE = "DEPARTMENT_CYCLE"
