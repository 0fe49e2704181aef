"""Finished candidacies for the demo: hires that filled requisitions, rejections and
withdrawals with their reasons, over the last half year, so the funnel and time to fill
have something to show a newcomer.

Like the active applications' progress (demo.history), the rows are written in bulk with
the `import` cause, never through application_transition: the seed stays fast, and the
reports' read model replays the log once afterwards (demo.seed)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from audit.models import AuditEvent
from demo.data import (
    REJECT_REASONS,
    REJECTED_AT_WEIGHTS,
    STAY_DAYS,
    WITHDRAW_REASONS,
    WITHDRAWN_AT_WEIGHTS,
)
from demo.history import transition_audit
from demo.result import SeedResult
from milestones.models import (
    ApplicationMilestone,
    FrameworkVersion,
    MilestoneState,
    MilestoneTransition,
    TransitionCause,
    TransitionKind,
)
from recruiting.models import Application, ApplicationStatus, Requisition, RequisitionStatus
from tenants.models import Tenant

# When a requisition opened, in days before the seed, by its status: the filled ones
# spread over the last half year, so time to fill has a line of months.
OPENED_DAYS_AGO = {
    RequisitionStatus.FILLED: (60, 185),
    RequisitionStatus.OPEN: (5, 150),
    RequisitionStatus.ON_HOLD: (20, 150),
    RequisitionStatus.DRAFT: (5, 30),
}
# How much of a filled requisition's applications arrive before it is filled.
_FILLED_WITHIN_DAYS = 45
# A requisition opened more recently than this has had no time to hire anyone yet.
_HIRE_TAKES_AT_LEAST = timedelta(days=40)
_ENDINGS = {
    ApplicationStatus.REJECTED: (REJECTED_AT_WEIGHTS, REJECT_REASONS),
    ApplicationStatus.WITHDRAWN: (WITHDRAWN_AT_WEIGHTS, WITHDRAW_REASONS),
}


def settle_candidacies(applications: list[Application], *, now, rng) -> list[Application]:
    """Make the applications about to be seeded agree with their requisitions: nobody
    applies before a requisition opened; a filled requisition has exactly `openings` hires
    and no one still in progress; one still hiring has fewer hires than openings (a draft
    none); each rejection and withdrawal has a reason. Returns the same list."""
    hires: dict[str, int] = defaultdict(int)
    for application in applications:
        requisition = application.requisition
        opened = requisition.opened_at
        quota = {
            RequisitionStatus.FILLED: requisition.openings,
            RequisitionStatus.OPEN: requisition.openings - 1,
            RequisitionStatus.ON_HOLD: requisition.openings - 1,
        }.get(requisition.status, 0)
        status = application.status
        filled = requisition.status == RequisitionStatus.FILLED
        hired_already = hires[requisition.external_id]
        too_soon = now - opened < _HIRE_TAKES_AT_LEAST
        if filled and hired_already < quota:
            status = ApplicationStatus.HIRED
        elif status == ApplicationStatus.HIRED and (hired_already >= quota or too_soon):
            status = ApplicationStatus.REJECTED  # more hires than openings: no
        elif filled and status == ApplicationStatus.ACTIVE:
            status = ApplicationStatus.REJECTED  # the others were turned down once filled
        if status == ApplicationStatus.HIRED:
            hires[requisition.external_id] += 1
        application.status = status
        application.reject_reason = rng.choice(_ENDINGS[status][1]) if status in _ENDINGS else ""
        if status == ApplicationStatus.ACTIVE:
            application.applied_at = max(application.applied_at, opened + timedelta(hours=2))
        else:
            # A finished candidacy applied early enough in the requisition's life to end.
            window = min((now - opened).total_seconds(), _FILLED_WITHIN_DAYS * 86400)
            application.applied_at = opened + timedelta(seconds=rng.uniform(0.02, 0.5) * window)
    return applications


def seed_finished_candidacies(
    tenant: Tenant, version: FrameworkVersion, rng, now, result: SeedResult
) -> None:
    """Give every hired, rejected or withdrawn application that has no history yet one:
    milestones passed (the optional phone screen skipped now and then), then the hire, or
    the rejection or withdrawal where it stopped, with its reason; then mark filled
    requisitions filled when their last opening's hire started."""
    definitions = list(version.milestones.order_by("order"))
    applications = list(
        Application.objects.filter(requisition__framework_version=version)
        .exclude(status=ApplicationStatus.ACTIVE)
        .exclude(milestones__isnull=False)
        .select_related("requisition")
        .order_by("external_id")
    )
    rows, transitions, filled_at = [], [], {}
    for application in applications:
        hired = application.status == ApplicationStatus.HIRED
        if hired:
            stop = len(definitions) - 1
        else:
            weights = _ENDINGS[application.status][0]
            stop = rng.choices(range(len(weights)), weights=weights)[0]
        days = [rng.uniform(*STAY_DAYS[d.code]) for d in definitions[: stop + 1]]
        # The whole history fits between the application and now.
        room = (now - timedelta(hours=1) - application.applied_at).total_seconds() / 86400
        shrink = min(1.0, room / sum(days))
        times = [application.applied_at]
        for length in days:
            times.append(times[-1] + timedelta(days=length * shrink))
        made = _history(tenant, application, definitions, stop, times, rng)
        rows.extend(made[0])
        transitions.extend(made[1])
        if hired:
            requisition = application.requisition
            filled_at[requisition.pk] = max(filled_at.get(requisition.pk, times[-1]), times[-1])
    ApplicationMilestone.objects.bulk_create(rows, batch_size=2000)
    MilestoneTransition.objects.bulk_create(transitions, batch_size=2000)
    AuditEvent.objects.bulk_create(
        [transition_audit(tenant, transition) for transition in transitions], batch_size=2000
    )
    Application.objects.bulk_update(applications, ["current_milestone", "version"], batch_size=1000)
    filled = list(Requisition.objects.filter(pk__in=filled_at, status=RequisitionStatus.FILLED))
    for requisition in filled:
        requisition.filled_at = filled_at[requisition.pk]
    Requisition.objects.bulk_update(filled, ["filled_at"])
    result.count("finished candidacies", len(applications))
    result.count("application milestones", len(rows))
    result.count("milestone transitions", len(transitions))


def _history(tenant, application, definitions, stop, times, rng) -> tuple[list, list]:
    """The milestone rows and transitions of one finished candidacy: entered milestone i at
    times[i]; left the one it stopped at (`stop`) at times[stop + 1], as a hire (the
    terminal milestone completed), a rejection or a withdrawal."""
    status = application.status
    rows, transitions = [], []

    def transition(**fields) -> None:
        application.version += 1
        transitions.append(
            MilestoneTransition(
                tenant=tenant,
                application=application,
                cause=TransitionCause.IMPORT,
                application_version=application.version,
                **fields,
            )
        )

    transition(to_milestone=definitions[0], kind=TransitionKind.INITIALIZE, at=times[0])
    for index, definition in enumerate(definitions):
        row = ApplicationMilestone(
            tenant=tenant,
            application=application,
            requisition_id=application.requisition_id,
            milestone=definition,
        )
        rows.append(row)
        if index > stop:
            continue  # never reached: pending
        row.entered_at, row.completed_at = times[index], times[index + 1]
        if index < stop:
            skipped = not definition.mandatory and rng.random() < 0.3
            row.state = MilestoneState.SKIPPED if skipped else MilestoneState.COMPLETED
            transition(
                from_milestone=definition,
                to_milestone=definitions[index + 1],
                kind=TransitionKind.SKIP if skipped else TransitionKind.ADVANCE,
                reason="Strong referral" if skipped else "",
                at=times[index + 1],
            )
        elif status == ApplicationStatus.HIRED:
            row.state = MilestoneState.COMPLETED  # the start date: the terminal milestone
            transition(from_milestone=definition, kind=TransitionKind.ADVANCE, at=times[index + 1])
        else:
            row.state = MilestoneState.STOPPED
            kind = TransitionKind.REJECT
            if status == ApplicationStatus.WITHDRAWN:
                kind = TransitionKind.WITHDRAW
            transition(
                from_milestone=definition,
                kind=kind,
                reason=application.reject_reason,
                at=times[index + 1],
            )
    application.current_milestone = None
    return rows, transitions
