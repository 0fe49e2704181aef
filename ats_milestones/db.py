"""Connection-level helpers that must not import Django models (settings import them)."""

RESET_TENANT_SQL = (
    "SELECT set_config('app.tenant_id', '', false), set_config('app.all_tenants', 'off', false)"
)


def reset_pooled_connection(conn) -> None:
    """Runs when a connection goes back to the pool: no tenant rides along to the next user."""
    conn.execute(RESET_TENANT_SQL)


def array_param(connection) -> str:
    """The placeholder for a list parameter: `%b` where the connection binds server-side,
    so psycopg dumps the array in binary (in C: ~7x cheaper than its text escaping for
    thousands of uuids and timestamps); `%s` for client-side cursors, which take no binary."""
    return "%b" if connection.settings_dict["OPTIONS"].get("server_side_binding") else "%s"
