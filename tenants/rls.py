"""Postgres row-level security for tenant tables, as a migration operation.

Each tenant table gets ENABLE + FORCE (so the owning role is subject too) and one
policy: a row is visible and writable only when its tenant_id equals the session's
`app.tenant_id`, or when the session declared `app.all_tenants = on`.
A test walks every table with a tenant_id column and fails if one lacks this.

The settings are read in scalar subqueries, so Postgres reads them once per statement (an
InitPlan) and compares each row's tenant_id to a constant. Read bare, `current_setting`
and the text-to-uuid cast ran for every row a scan looked at: a scan of 30,000 approval
steps cost 50-110 ms with the bare form, 12-26 ms with this one and 12-37 ms with no
policy at all (docs/benchmarks.md, 2026-12-04).
"""

from django.db.migrations.operations.base import Operation

POLICY_NAME = "tenant_isolation"
POLICY_PREDICATE = (
    "((SELECT current_setting('app.all_tenants', true) = 'on') "
    "OR tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))"
)
#: The predicate before 2026-12-04 (tenants 0004 goes back to it).
PER_ROW_PREDICATE = (
    "(current_setting('app.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)"
)


def enable_sql(table: str) -> str:
    return (
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY; '
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY; '
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"; '
        f'CREATE POLICY {POLICY_NAME} ON "{table}" '
        f"USING {POLICY_PREDICATE} WITH CHECK {POLICY_PREDICATE};"
    )


def alter_all_sql(predicate: str) -> str:
    """Every tenant table's policy, as it stands, made to read `predicate`."""
    quoted = predicate.replace("'", "''")
    return f"""
    DO $$
    DECLARE t record;
    BEGIN
        FOR t IN SELECT schemaname, tablename FROM pg_policies
                 WHERE policyname = '{POLICY_NAME}' AND schemaname = current_schema()
        LOOP
            EXECUTE format('ALTER POLICY {POLICY_NAME} ON %I.%I USING %s WITH CHECK %s',
                           t.schemaname, t.tablename, '{quoted}', '{quoted}');
        END LOOP;
    END $$;
    """  # noqa: S608 -- the predicate and the policy name are ours, no values


def disable_sql(table: str) -> str:
    return (
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"; '
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY; '
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY;'
    )


class EnableTenantRLS(Operation):
    """Turn on tenant isolation for one model's table (and nothing else)."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        schema_editor.execute(enable_sql(self._table(app_label, to_state)))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        schema_editor.execute(disable_sql(self._table(app_label, from_state)))

    def describe(self) -> str:
        return f"Enable tenant row-level security on {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.model_name.lower()}"
