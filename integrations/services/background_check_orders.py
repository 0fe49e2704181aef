"""Ordering a background check from the vendor (Checkr-shaped): `POST {endpoint}/v1/candidates`
(name and email: a check cannot run without them), then `POST /v1/invitations` (the
candidate completes the rest on the vendor's form) or `POST /v1/reports`. The answers' ids
are kept: the vendor's results name them.

An order the vendor refuses (a 4xx retrying cannot help: 400, 401, 403, 404, 422...) fails
at once; one it cannot take (no answer, 5xx, 408/409/425/429) is retried by the task and
fails after the last try. Either way the check is `order_failed` with the reason, and the
tenant's admins and the application's recruiter are alerted once (`alerts`);
`background_check_order_retry` puts a failed order back in line.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ats_milestones.events import publish
from audit.services import audit_record
from integrations.errors import OrderNotFailed
from integrations.events import BackgroundCheckOrderDue
from integrations.models import BackgroundCheck, BackgroundCheckStatus, BackgroundCheckStatusChange
from integrations.services.alerts import background_check_order_failed_alert
from integrations.services.auth import auth_headers
from integrations.services.http import EndpointRefused, HttpClient
from tenants.actors import Actor
from tenants.context import all_tenants_context
from tenants.people import person_name
from tenants.permissions import Capability, actor_require

ORDER_STALLED_AFTER = timedelta(hours=2)
# 4xx answers a retry may cure (the relay's rule too); any other 4xx is a refusal.
RETRYABLE_4XX = frozenset({408, 409, 425, 429})


class VendorCallFailed(Exception):
    """The vendor did not take the order: the task retries, unless it `refused` it (a 4xx
    that retrying cannot change)."""

    def __init__(self, message: str, *, refused: bool = False):
        super().__init__(message)
        self.refused = refused


def _vendor_says(excerpt: str) -> str:
    """The vendor's own error message from its JSON answer, if it gave one."""
    try:
        answer = json.loads(excerpt or "{}")
    except ValueError:
        return ""
    if not isinstance(answer, dict):
        return ""
    said = answer.get("error") or answer.get("message") or ""
    if isinstance(said, dict):
        said = said.get("message") or ""
    return str(said)[:200]


def check_history(check: BackgroundCheck, *, source: str, note: str = "", at=None) -> None:
    BackgroundCheckStatusChange.objects.create(
        tenant_id=check.tenant_id,
        background_check=check,
        status=check.status,
        result=check.result,
        adverse_action=check.adverse_action,
        source=source,
        note=note[:300],
        occurred_at=at or timezone.now(),
    )


def vendor_post(client: HttpClient, check: BackgroundCheck, path: str, body: dict) -> dict:
    connection = check.connection
    url = connection.endpoint_url.rstrip("/") + path
    headers = {"Content-Type": "application/json"} | auth_headers(connection, client)
    try:
        result = client.post(
            url, body=json.dumps(body).encode(), headers=headers, timeout_s=connection.timeout_s
        )
    except EndpointRefused as refusal:
        raise VendorCallFailed(str(refusal)) from refusal
    if result.status is None:
        raise VendorCallFailed(f"{path}: {result.error}")
    if not 200 <= result.status < 300:
        said = _vendor_says(result.excerpt)
        raise VendorCallFailed(
            f"{path} answered {result.status}" + (f" ({said})" if said else ""),
            refused=400 <= result.status < 500 and result.status not in RETRYABLE_4XX,
        )
    try:
        return json.loads(result.excerpt or "{}")
    except ValueError as exc:
        raise VendorCallFailed(f"{path} answered no JSON") from exc


def background_check_order(
    *, check: BackgroundCheck, client: HttpClient | None = None, final: bool = False
) -> BackgroundCheck:
    """Place the order of a check still being ordered (a no-op for any other: the task may
    run twice). A failure is kept on the check (attempts, error) and raised as
    VendorCallFailed for the task to retry; on the `final` try, or when the vendor refused
    the order, it marks the check order_failed and alerts instead."""
    check, failure = _order_attempt(check=check, client=client, final=final)
    if failure is not None and check.status == BackgroundCheckStatus.ORDERING:
        raise failure
    return check


@transaction.atomic
def _order_attempt(
    *, check: BackgroundCheck, client: HttpClient | None, final: bool
) -> tuple[BackgroundCheck, VendorCallFailed | None]:
    check = (
        BackgroundCheck.objects.select_for_update()
        .select_related("connection", "application__candidate", "application__requisition")
        .get(pk=check.pk)
    )
    if check.status != BackgroundCheckStatus.ORDERING:
        return check, None
    client = client or HttpClient()
    candidate = check.application.candidate
    check.order_attempts += 1
    try:
        if not check.vendor_candidate_id:
            answer = vendor_post(
                client,
                check,
                "/v1/candidates",
                {
                    "first_name": candidate.first_name,
                    "last_name": candidate.last_name,
                    "email": candidate.email,
                    "custom_id": str(check.application_id),
                },
            )
            check.vendor_candidate_id = str(answer.get("id") or "")[:100]
        order = {"candidate_id": check.vendor_candidate_id, "package": check.package}
        if check.invitation:
            answer = vendor_post(client, check, "/v1/invitations", order)
            check.vendor_invitation_id = str(answer.get("id") or "")[:100]
            check.vendor_report_id = str(answer.get("report_id") or "")[:100]
        else:
            answer = vendor_post(client, check, "/v1/reports", order)
            check.vendor_report_id = str(answer.get("id") or "")[:100]
    except VendorCallFailed as failure:
        check.last_error = str(failure)[:500]
        if final or failure.refused:
            check.status = BackgroundCheckStatus.ORDER_FAILED
            check_history(check, source="ats", note=check.last_error)
            background_check_order_failed_alert(check, reason=check.last_error)
        check.save()
        return check, failure
    check.status, check.ordered_at, check.last_error = (
        BackgroundCheckStatus.PENDING,
        timezone.now(),
        "",
    )
    check.save()
    how = "an invitation to the candidate" if check.invitation else "a report"
    check_history(check, source="ats", note=f"Ordered {check.package} from the vendor as {how}")
    return check, None


@transaction.atomic
def background_check_order_retry(*, check: BackgroundCheck, actor: Actor) -> BackgroundCheck:
    """Order a failed check again (roles that may see sensitive milestones and move
    candidates): back to `ordering` with a fresh count of tries, the vendor's candidate
    kept if it made one; the order task runs after commit. Anything else answers 409."""
    actor_require(actor, Capability.VIEW_SENSITIVE)
    actor_require(actor, Capability.MOVE)
    check = BackgroundCheck.objects.select_for_update().get(pk=check.pk)
    if check.status != BackgroundCheckStatus.ORDER_FAILED:
        raise OrderNotFailed(
            f"only a failed order can be retried; this check is {check.get_status_display()}",
            fields={"status": [check.status]},
        )
    check.status, check.order_attempts = BackgroundCheckStatus.ORDERING, 0
    check.save()
    check_history(check, source="person", note=f"Order retried by {_who(actor)}")
    audit_record(
        action="background_check.order_retried",
        tenant_id=check.tenant_id,
        actor=actor,
        object_type="integrations.BackgroundCheck",
        object_id=str(check.pk),
        data={"application_id": str(check.application_id), "last_error": check.last_error},
    )
    publish(BackgroundCheckOrderDue(tenant_id=check.tenant_id, check_id=check.pk))
    return check


def _who(actor: Actor) -> str:
    """The actor as a person reads it: their name, or what kind of caller it was."""
    if actor.user_id is not None:
        user = get_user_model().objects.filter(pk=actor.user_id).first()
        if user is not None:
            return person_name(user)
    return "an API client" if actor.api_client_id else "the system"


def background_checks_stalled(*, now: datetime | None = None, limit: int = 200) -> list[tuple]:
    """(tenant id, check id) of checks still being ordered that no attempt touched for
    ORDER_STALLED_AFTER (longer than the order task's longest retry wait)."""
    before = (now or timezone.now()) - ORDER_STALLED_AFTER
    with all_tenants_context():
        return list(
            BackgroundCheck.all_tenants.filter(
                status=BackgroundCheckStatus.ORDERING, updated_at__lt=before
            )
            .order_by("updated_at")
            .values_list("tenant_id", "pk")[:limit]
        )
