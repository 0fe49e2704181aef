"""A pooled connection goes back to the pool with no tenant on it."""

import psycopg
import pytest
from django.db import connection

from ats_milestones.db import reset_pooled_connection
from tenants.context import current_tenant_id, tenant_context

pytestmark = pytest.mark.django_db


def _setting(cursor, name: str) -> str:
    cursor.execute("SELECT current_setting(%s, true)", [name])
    return cursor.fetchone()[0]


def test_reset_clears_tenant_and_all_tenants_settings():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(
            "SELECT set_config('app.tenant_id', 'x', false), "
            "set_config('app.all_tenants', 'on', false)"
        )
        reset_pooled_connection(conn)
        with conn.cursor() as cursor:
            assert _setting(cursor, "app.tenant_id") == ""
            assert _setting(cursor, "app.all_tenants") == "off"


def test_leaving_a_nested_context_restores_the_outer_tenant(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        with tenant_context(tenant_b):
            assert current_tenant_id() == tenant_b.pk
        assert current_tenant_id() == tenant_a.pk
        with connection.cursor() as cursor:
            assert _setting(cursor, "app.tenant_id") == str(tenant_a.pk)
    with connection.cursor() as cursor:
        assert _setting(cursor, "app.tenant_id") == ""
