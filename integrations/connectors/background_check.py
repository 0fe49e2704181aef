"""Background-check connector (Checkr-shaped): an application entering the connection's
background-check milestone gets a `BackgroundCheck` to order from the vendor. The order
itself is a direct API call (candidate, then invitation or report), made by a task after
the dispatch commits: the vendor answers with the ids its results will name later.

Connection settings (`connector_settings`, all optional):

    {"milestone_code": "BACKGROUND_CHECK", "package": "tasker_standard",
     "invitation": true, "adverse_action_waiting_days": 5}
"""

from __future__ import annotations

from datetime import datetime

from ats_milestones.events import publish_many
from integrations.connectors.context import ConnectorContext
from integrations.events import BackgroundCheckOrderDue
from integrations.models import BackgroundCheck, BackgroundCheckStatus, BackgroundCheckStatusChange

DEFAULT_MILESTONE_CODE = "BACKGROUND_CHECK"
DEFAULT_PACKAGE = "tasker_standard"
DEFAULT_WAITING_DAYS = 5


def check_settings(connection) -> dict:
    values = connection.connector_settings or {}
    return {
        "milestone_code": values.get("milestone_code") or DEFAULT_MILESTONE_CODE,
        "package": values.get("package") or DEFAULT_PACKAGE,
        "invitation": values.get("invitation", True) is not False,
        "adverse_action_waiting_days": int(
            values.get("adverse_action_waiting_days") or DEFAULT_WAITING_DAYS
        ),
    }


def background_check_plan(pairs, context: ConnectorContext, now: datetime) -> dict:
    """Record a check for each move into the milestone; no webhook delivery."""
    checks = []
    for _event, connection, application, definition in context.moves(pairs):
        wanted = check_settings(connection)
        if definition.code != wanted["milestone_code"]:
            continue
        checks.append(
            BackgroundCheck(
                tenant_id=application.tenant_id,
                connection=connection,
                application=application,
                milestone_code=definition.code,
                package=wanted["package"],
                invitation=wanted["invitation"],
            )
        )
    if checks:
        BackgroundCheck.all_tenants.bulk_create(checks)
        BackgroundCheckStatusChange.all_tenants.bulk_create(
            [
                BackgroundCheckStatusChange(
                    tenant_id=c.tenant_id,
                    background_check=c,
                    status=BackgroundCheckStatus.ORDERING,
                    source="ats",
                    note=f"The application entered {c.milestone_code}",
                    occurred_at=now,
                )
                for c in checks
            ]
        )
        # Ordered by a task after the dispatch commits (integrations.subscribers).
        publish_many(
            [BackgroundCheckOrderDue(tenant_id=c.tenant_id, check_id=c.pk) for c in checks]
        )
    return {}
