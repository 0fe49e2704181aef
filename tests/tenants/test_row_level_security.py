"""Postgres itself keeps tenants apart, whatever the ORM does."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from tenants.context import tenant_context
from tests import factories

pytestmark = pytest.mark.django_db


def _names(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def test_raw_select_under_tenant_a_returns_only_a_rows(tenant_a, tenant_b):
    factories.make_candidate(tenant=tenant_a, last_name="OfA")
    factories.make_candidate(tenant=tenant_b, last_name="OfB")
    with tenant_context(tenant_a):
        assert _names("SELECT last_name FROM recruiting_candidate") == ["OfA"]


def test_raw_select_with_no_context_returns_nothing(tenant_a):
    factories.make_candidate(tenant=tenant_a, last_name="OfA")
    assert _names("SELECT last_name FROM recruiting_candidate") == []


def test_insert_with_other_tenant_id_under_a_fails(tenant_a, tenant_b):
    with tenant_context(tenant_a), pytest.raises(ProgrammingError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO recruiting_candidate (id, tenant_id, created_at, updated_at, "
                "external_id, first_name, last_name, email, phone, location) VALUES "
                "(gen_random_uuid(), %s, now(), now(), '', 'X', 'Y', '', '', '')",
                [str(tenant_b.pk)],
            )


def test_update_cannot_move_a_row_to_another_tenant(tenant_a, tenant_b):
    candidate = factories.make_candidate(tenant=tenant_a)
    with tenant_context(tenant_a), pytest.raises(ProgrammingError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE recruiting_candidate SET tenant_id = %s WHERE id = %s",
                [str(tenant_b.pk), str(candidate.pk)],
            )


def test_app_role_is_not_superuser_and_cannot_bypass_rls():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_table_with_tenant_id_has_forced_rls_and_the_policy(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid
                           AND p.polname = 'tenant_isolation')
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
            WHERE c.relkind = 'r'
            """
        )
        rows = cursor.fetchall()
    assert len(rows) >= 15
    unprotected = [
        name for name, enabled, forced, policy in rows if not (enabled and forced and policy)
    ]
    assert unprotected == []


def test_every_policy_reads_the_session_settings_once_per_statement(tenant_a):
    """The policy's settings are read in scalar subqueries (InitPlans), so a scan compares
    each row's tenant_id to a constant; read bare, `current_setting` and the cast to uuid
    ran for every row scanned (a 30,000-row scan cost 4x its policy-free time)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT qual, with_check FROM pg_policies "
            "WHERE policyname = 'tenant_isolation' AND schemaname = current_schema()"
        )
        policies = cursor.fetchall()
    assert len(policies) == 1, policies
    with tenant_context(tenant_a), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN (VERBOSE) SELECT id FROM tenants_department")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert filters, plan
    assert "InitPlan" in plan, plan
    assert not any("current_setting" in line for line in filters), plan


def test_every_unique_constraint_on_a_tenant_table_leads_with_tenant_id(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, i.relname, a.attname
            FROM pg_index x
            JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
            WHERE x.indisunique AND NOT x.indisprimary
              AND EXISTS (SELECT 1 FROM pg_attribute t
                          WHERE t.attrelid = c.oid AND t.attname = 'tenant_id')
            """
        )
        offenders = [(t, i) for t, i, first in cursor.fetchall() if first != "tenant_id"]
    assert offenders == []


def test_audit_events_cannot_be_updated_or_deleted(tenant_a):
    from audit.services import audit_record

    with tenant_context(tenant_a):
        event = audit_record(action="object.created", tenant_id=tenant_a.pk)
        for sql in (
            "UPDATE compliance_auditevent SET action = 'x' WHERE id = %s",
            "DELETE FROM compliance_auditevent WHERE id = %s",
        ):
            with pytest.raises((ProgrammingError, IntegrityError)), transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [str(event.pk)])
