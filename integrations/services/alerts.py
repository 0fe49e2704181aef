"""What integrations tell people when a peer lets them down: a connection disabled by 410,
events dead-lettered, a background check the vendor would not take. One notification (in
app, and by email to those with an address) per person and failure."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.urls import reverse

from audit.services import audit_record
from integrations.models import Connection
from notifications.models import Notification
from notifications.services import NotificationRow, notifications_create_many
from tenants.actors import SYSTEM
from tenants.models import Membership, Role

ALERT_DEAD_LETTER = "integration.dead_letter"
ALERT_DISABLED = "integration.connection_disabled"
ALERT_ORDER_FAILED = "integration.background_check_order_failed"


def connection_disable_gone(connection: Connection, now: datetime) -> None:
    reason = (
        f"The endpoint answered 410 Gone on {now:%Y-%m-%d %H:%M} UTC; "
        "fix it and enable the connection again."
    )
    Connection.all_tenants.filter(pk=connection.pk).update(
        enabled=False, disabled_reason=reason, updated_at=now
    )
    audit_record(
        action="connection.disabled",
        tenant_id=connection.tenant_id,
        object_type="integrations.Connection",
        object_id=str(connection.pk),
        data={"reason": "410"},
        actor=SYSTEM,
    )


def _admin_ids(tenant_ids) -> dict[object, list[int]]:
    """tenant id -> the user ids of its admins (one query for any number of tenants)."""
    admins = defaultdict(list)
    for tenant_id, user_id in Membership.all_tenants.filter(
        tenant_id__in=set(tenant_ids), role=Role.ADMIN
    ).values_list("tenant_id", "user_id"):
        admins[tenant_id].append(user_id)
    return admins


def background_check_order_failed_alert(check, *, reason: str) -> list[str]:
    """The tenant's admins and the application's recruiter (once, if they are both) hear
    that the vendor did not take the order, and why; the link is the application's page,
    which says so beside a way to retry. Called once, when the check becomes order_failed."""
    application = check.application
    recruiter_id = application.requisition.recruiter_id
    user_ids = [*_admin_ids([check.tenant_id])[check.tenant_id], recruiter_id]
    title = f"The background check of {application.candidate} could not be ordered"
    body = (
        f"{check.connection.name} did not take the order after "
        f"{check.order_attempts} attempt{'s' if check.order_attempts != 1 else ''}: {reason}. "
        "Retry it from the background checks page once the vendor works again."
    )
    return notifications_create_many(
        rows=[
            NotificationRow(
                check.tenant_id, user_id, ALERT_ORDER_FAILED, title, body, check.application_id
            )
            for user_id in dict.fromkeys(user_ids)
            if user_id is not None
        ]
    )


def admins_alert(connections: dict, dead: dict, gone: dict) -> None:
    """One in-app notification (and email) per admin per connection that lost deliveries."""
    admins = _admin_ids({connections[pk].tenant_id for pk in set(dead) | set(gone)})
    rows = []
    for pk in set(dead) | set(gone):
        connection = connections[pk]
        count = len(dead.get(pk, ()))
        if pk in gone:
            kind, title = (
                ALERT_DISABLED,
                f"Connection {connection.name} was disabled: its endpoint answered 410 Gone",
            )
        else:
            kind = ALERT_DEAD_LETTER
            plural = "s" if count != 1 else ""
            title = f"{count} event{plural} to {connection.name} could not be delivered"
        body = (
            f"{count} event{'s' if count != 1 else ''} moved to the dead letters after "
            f"{max(d.attempts for d in dead[pk]) if count else 0} attempts (last answer: "
            f"{dead[pk][-1].last_status or dead[pk][-1].last_error or 'none'}). "
            "Replay them from Integrations → Dead letters "
            "once the endpoint works."
            if count
            else ""
        )
        rows += [
            NotificationRow(connection.tenant_id, user_id, kind, title, body)
            for user_id in admins[connection.tenant_id]
        ]
    ids = notifications_create_many(rows=rows)
    if ids:
        Notification.all_tenants.filter(id__in=ids).update(
            link=reverse("integrations:dead-letters")
        )
