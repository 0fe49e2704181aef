"""Helpers of API tests: error-body assertions and cross-tenant reads for checking rows."""

from __future__ import annotations

from audit.models import AuditEvent
from tenants.context import all_tenants_context


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    """The response is our error body with this status (and code, and a message for field)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert field in error["fields"], error
    return error


def rows(model, **filters):
    """Rows of any tenant (test setup and assertions may cross tenants)."""
    with all_tenants_context():
        return list(model.all_tenants.filter(**filters))


def audit_events(**filters) -> list[AuditEvent]:
    return rows(AuditEvent, **filters)


def refreshed(obj):
    with all_tenants_context():
        return type(obj).all_tenants.get(pk=obj.pk)
