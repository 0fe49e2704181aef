"""Background checks (Checkr-shaped): ordering from the vendor, applying its results, and
the adverse-action flow a `consider` result starts.

- `background_check_order` / `background_check_order_retry` (in `background_check_orders`,
  re-exported here): the vendor's API, directly; a failed order alerts once and waits for
  a person's *Retry*.
- `background_check_update` (inbound `background_check.updated`): statuses pending,
  suspended, complete (result clear or consider), canceled, dispute, each kept in the
  history. `clear` advances the application through the engine (cause `sync`, the
  report named in the reason); `consider` never rejects: it starts the adverse-action
  flow, a pre-adverse notice (the vendor sends it, `POST /v1/reports/{id}/adverse_actions`)
  and a waiting period of N business days (5 by default) kept as the application's
  `adverse_action_waiting_ends_at` deadline, so the version's deadline rules can remind.
- `background_check_decide`: after the waiting period a person proceeds (the engine
  advances) or rejects (the engine rejects, their reason recorded).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from ats_milestones.events import publish
from integrations.connectors.background_check import check_settings
from integrations.errors import (
    AdverseActionRefused,
    IntegrationErrorCode,
    UnknownInboundSubject,
)
from integrations.events import AdverseActionStarted
from integrations.models import (
    AdverseAction,
    BackgroundCheck,
    BackgroundCheckResult,
    BackgroundCheckStatus,
)
from integrations.services.background_check_orders import (  # noqa: F401 -- re-exported
    VendorCallFailed,
    background_check_order,
    background_check_order_retry,
    background_checks_stalled,
    check_history,
    vendor_post,
)
from integrations.services.http import HttpClient
from milestones.core.engine import MoveAction
from milestones.errors import TransitionRefused
from milestones.models import TransitionCause
from milestones.services.timers.calendar import business_calendar_get
from milestones.services.timers.deadlines import application_deadline_set
from milestones.services.transitions.moves import application_transition
from notifications.services import RECIPIENT_HRBP, RECIPIENT_RECRUITER, notification_send
from recruiting.models import Application, ApplicationStatus
from tenants.actors import SYSTEM, Actor
from tenants.permissions import Capability, actor_require

WAITING_DEADLINE_KIND = "adverse_action_waiting_ends_at"
VENDOR_STATUSES = {
    BackgroundCheckStatus.PENDING,
    BackgroundCheckStatus.SUSPENDED,
    BackgroundCheckStatus.COMPLETE,
    BackgroundCheckStatus.CANCELED,
    BackgroundCheckStatus.DISPUTE,
}


def _check_of(connection, data: dict) -> BackgroundCheck:
    ids = {
        "vendor_report_id": data.get("report_id") or data.get("id"),
        "vendor_invitation_id": data.get("invitation_id"),
        "vendor_candidate_id": data.get("candidate_id"),
    }
    checks = BackgroundCheck.objects.select_for_update().filter(connection=connection)
    for column, value in ids.items():
        if value:
            found = checks.filter(**{column: str(value)}).order_by("-created_at").first()
            if found is not None:
                return found
    raise UnknownInboundSubject(
        "no background check of this connection has that report, invitation or candidate id",
        fields={"data.report_id": ["not a check this connection ordered"]},
    )


def business_days_after(start: datetime, days: int, calendar) -> datetime:
    """The same time of day `days` business days (weekdays and holidays of the tenant's
    calendar, in its time zone) after `start`."""
    moment, left = start.astimezone(ZoneInfo(calendar.timezone)), days
    while left > 0:
        moment += timedelta(days=1)
        if calendar.is_business_day(moment.date()):
            left -= 1
    return moment


def _advance(check: BackgroundCheck, *, actor: Actor, cause, reason: str) -> str:
    application = Application.objects.get(pk=check.application_id)
    if application.status != ApplicationStatus.ACTIVE:
        return f"the application is {application.status}"
    current = application.current_milestone
    if current is None or current.code != check.milestone_code:
        return f"the application no longer stands on {check.milestone_code}"
    try:
        application_transition(
            application_id=application.pk,
            action=MoveAction.ADVANCE,
            actor=actor,
            cause=cause,
            reason=reason,
            expected_version=None,
        )
    except TransitionRefused as refusal:
        return f"could not advance: {refusal.message}"
    return "advanced"


@transaction.atomic
def background_check_update(*, connection, data: dict, occurred_at: datetime | None) -> dict:
    """Apply one vendor result. An update older than the last applied one changes nothing
    (the vendor's own timestamp decides)."""
    status = str(data.get("status") or "")
    if status not in VENDOR_STATUSES:
        raise UnknownInboundSubject(
            f"{status!r} is not a background check status",
            code=IntegrationErrorCode.INVALID_INBOUND_EVENT,
            fields={"data.status": [f"one of {', '.join(sorted(VENDOR_STATUSES))}"]},
        )
    result = str(data.get("result") or "")
    if status == BackgroundCheckStatus.COMPLETE and result not in ("clear", "consider"):
        raise UnknownInboundSubject(
            "a complete check has the result clear or consider",
            code=IntegrationErrorCode.INVALID_INBOUND_EVENT,
            fields={"data.result": ["clear or consider"]},
        )
    check = _check_of(connection, data)
    if occurred_at and check.vendor_updated_at and occurred_at <= check.vendor_updated_at:
        return {"background_check": str(check.pk), "applied": False, "reason": "older update"}
    now = timezone.now()
    check.status, check.result = status, result if status == "complete" else check.result
    check.vendor_updated_at = occurred_at or now
    if data.get("report_id") and not check.vendor_report_id:
        check.vendor_report_id = str(data["report_id"])[:100]
    outcome = "recorded"
    if status == BackgroundCheckStatus.COMPLETE:
        check.completed_at = now
        if result == BackgroundCheckResult.CLEAR:
            check.save()
            outcome = _advance(
                check,
                actor=SYSTEM,
                cause=TransitionCause.SYNC,
                reason=f"Background check clear (report {check.vendor_report_id or check.pk})",
            )
        else:
            outcome = _adverse_action_start(check, now)
    check.save()
    check_history(check, source="vendor", note=f"The application: {outcome}", at=now)
    return {"background_check": str(check.pk), "applied": True, "outcome": outcome}


def _adverse_action_start(check: BackgroundCheck, now: datetime) -> str:
    days = check_settings(check.connection)["adverse_action_waiting_days"]
    check.adverse_action = AdverseAction.WAITING
    check.waiting_ends_at = business_days_after(now, days, business_calendar_get())
    application = Application.objects.select_related("requisition", "candidate").get(
        pk=check.application_id
    )
    if application.status == ApplicationStatus.ACTIVE:
        application_deadline_set(
            application=application, kind=WAITING_DEADLINE_KIND, at=check.waiting_ends_at
        )
    ends = timezone.localtime(check.waiting_ends_at).strftime("%A %d %B %Y")
    notification_send(
        application=application,
        recipients=[RECIPIENT_RECRUITER, RECIPIENT_HRBP],
        kind="background_check.consider",
        title=f"Background check of {application.candidate} needs a decision",
        body=(
            f"The report came back as consider. The candidate gets a pre-adverse notice; "
            f"after the waiting period ({days} business days, until {ends}) a person "
            "decides whether to proceed or reject. Nothing happens automatically."
        ),
    )
    if check.vendor_report_id:
        publish(AdverseActionStarted(tenant_id=check.tenant_id, check_id=check.pk))
    return "adverse action started"


@transaction.atomic
def background_check_pre_adverse_notice(
    *, check: BackgroundCheck, client: HttpClient | None = None
) -> BackgroundCheck:
    """Ask the vendor to send the candidate the pre-adverse notice (raises
    VendorCallFailed for the task to retry)."""
    check = (
        BackgroundCheck.objects.select_for_update().select_related("connection").get(pk=check.pk)
    )
    client = client or HttpClient()
    vendor_post(client, check, f"/v1/reports/{check.vendor_report_id}/adverse_actions", {})
    check_history(check, source="ats", note="The vendor sent the candidate the pre-adverse notice")
    return check


@transaction.atomic
def background_check_decide(
    *, check: BackgroundCheck, proceed: bool, actor: Actor, reason: str = "", now=None
) -> BackgroundCheck:
    """A person's decision on a `consider` result, only once the waiting period is over:
    proceed advances the application, reject rejects it (both through the engine)."""
    actor_require(actor, Capability.VIEW_SENSITIVE)
    actor_require(actor, Capability.MOVE)
    check = BackgroundCheck.objects.select_for_update().get(pk=check.pk)
    now = now or timezone.now()
    if check.adverse_action != AdverseAction.WAITING:
        raise AdverseActionRefused("this background check has no decision pending")
    if check.waiting_ends_at and now < check.waiting_ends_at:
        ends = timezone.localtime(check.waiting_ends_at).strftime("%A %d %B %Y, %H:%M")
        raise AdverseActionRefused(
            f"the waiting period runs until {ends}; decide after it",
            code=IntegrationErrorCode.ADVERSE_ACTION_WAITING,
        )
    reason = reason.strip() or ("Proceeded after review" if proceed else "Adverse action")
    if proceed:
        check.adverse_action = AdverseAction.PROCEEDED
        check.save()
        check_history(check, source="person", note=reason, at=now)
        _advance(
            check, actor=actor, cause=TransitionCause.MANUAL, reason=f"Background check: {reason}"
        )
        return check
    check.adverse_action = AdverseAction.REJECTED
    check.save()
    check_history(check, source="person", note=reason, at=now)
    application_transition(
        application_id=check.application_id,
        action=MoveAction.REJECT,
        actor=actor,
        reason=f"Background check: {reason}",
        expected_version=None,
    )
    return check
