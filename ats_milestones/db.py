"""Connection-level helpers that must not import Django models (settings import them)."""

RESET_TENANT_SQL = (
    "SELECT set_config('app.tenant_id', '', false), set_config('app.all_tenants', 'off', false)"
)


def reset_pooled_connection(conn) -> None:
    """Runs when a connection goes back to the pool: no tenant rides along to the next user."""
    conn.execute(RESET_TENANT_SQL)
