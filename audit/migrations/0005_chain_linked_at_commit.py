from django.db import migrations

from audit import chain


class Migration(migrations.Migration):
    """Link audit rows as their transaction commits (a deferred constraint trigger), not as
    they are inserted: the tenant's chain head is then locked only during a commit, not from
    a transaction's first audit row to its end (audit/chain.py). Rows already linked keep
    their links; the rule that refuses UPDATE and DELETE lets only the link through."""

    dependencies = [("audit", "0004_request_context_on_audit_rows")]

    operations = [migrations.RunSQL(chain.LINK_AT_COMMIT_SQL, chain.LINK_AT_INSERT_SQL)]
