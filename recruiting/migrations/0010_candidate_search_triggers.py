"""The triggers that keep recruiting_candidatesearchterm (recruiting.search) and the terms
of the candidates there already. Apart from 0009: Django adds 0009's own constraints at the
end of that migration, and Postgres refuses an ALTER TABLE on a table with pending trigger
events, which the backfill would leave."""

from django.db import migrations

# Each word of the name and the email, lower-cased (recruiting.search).
_WORDS = (
    "SELECT DISTINCT n.tenant_id, n.id, w FROM {rows} n,"
    " regexp_split_to_table(lower(n.first_name || ' ' || n.last_name || ' ' || n.email),"
    " '\\s+') AS w WHERE w <> ''"
)
_CHANGED = (
    "(n.first_name, n.last_name, n.email) IS DISTINCT FROM (o.first_name, o.last_name, o.email)"
)
TERMS = "recruiting_candidatesearchterm"

# Statement-level triggers with transition tables: a bulk INSERT or UPDATE writes the terms
# of all its rows in one statement. They run as the writer, under the same row-level
# security the candidate rows passed.
FORWARD = f"""
ALTER TABLE {TERMS} ADD CONSTRAINT candidate_term_candidate_fk FOREIGN KEY (candidate_id)
    REFERENCES recruiting_candidate (id) ON DELETE CASCADE;

CREATE FUNCTION recruiting_candidate_terms_insert() RETURNS trigger AS $$
BEGIN
    INSERT INTO {TERMS} (tenant_id, candidate_id, term) {_WORDS.format(rows="new_rows")};
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION recruiting_candidate_terms_update() RETURNS trigger AS $$
BEGIN
    DELETE FROM {TERMS} t USING new_rows n JOIN old_rows o ON o.id = n.id
        WHERE t.candidate_id = n.id AND {_CHANGED};
    INSERT INTO {TERMS} (tenant_id, candidate_id, term)
        {_WORDS.format(rows="new_rows")} AND EXISTS (
            SELECT 1 FROM old_rows o WHERE o.id = n.id AND {_CHANGED});
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER candidate_terms_insert AFTER INSERT ON recruiting_candidate
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recruiting_candidate_terms_insert();
CREATE TRIGGER candidate_terms_update AFTER UPDATE ON recruiting_candidate
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION recruiting_candidate_terms_update();

-- The candidates there already (every tenant's: this migration may read them all).
SELECT set_config('app.all_tenants', 'on', true);
INSERT INTO {TERMS} (tenant_id, candidate_id, term) {_WORDS.format(rows="recruiting_candidate")};
SELECT set_config('app.all_tenants', '', true);
"""  # noqa: S608 -- table and column names are ours, no values
BACKWARD = """
DROP TRIGGER IF EXISTS candidate_terms_update ON recruiting_candidate;
DROP TRIGGER IF EXISTS candidate_terms_insert ON recruiting_candidate;
DROP FUNCTION IF EXISTS recruiting_candidate_terms_update();
DROP FUNCTION IF EXISTS recruiting_candidate_terms_insert();
ALTER TABLE recruiting_candidatesearchterm DROP CONSTRAINT IF EXISTS candidate_term_candidate_fk;
"""


class Migration(migrations.Migration):
    dependencies = [("recruiting", "0009_candidate_search_terms")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
