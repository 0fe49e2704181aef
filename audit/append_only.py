"""A migration operation that makes a table append-only at the database level."""

from django.db.migrations.operations.base import Operation

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION ats_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


class MakeAppendOnly(Operation):
    """Refuse UPDATE, DELETE and TRUNCATE on one model's table, whoever asks."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = to_state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(FUNCTION_SQL, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ats_refuse_change();"
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION ats_refuse_change();"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";')

    def describe(self) -> str:
        return f"Make {self.model_name} append-only"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})
