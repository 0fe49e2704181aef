"""Telling approvers a step of theirs is due: in-app and by email, linking to "My approvals"
(a page behind sign-in), with no offer terms in either."""

from __future__ import annotations

from approvals.models import ApprovalAssignment, Decision, SubjectKind
from notifications.services import notification_rows_for_users, notification_send_to_users

MY_APPROVALS_PATH = "/approvals/"
NOTIFICATION_KIND = "approval.due"
_SUBJECT_WORDS = {
    SubjectKind.OFFER: "An offer",
    SubjectKind.REQUISITION: "A requisition opening",
    SubjectKind.MILESTONE: "A milestone",
}


def _words(round_, steps, requisition_title: str) -> tuple[str, str]:
    """The notification's title and body for `steps` of `round_` becoming due."""
    names = ", ".join(s.name for s in steps)
    positions = sorted(s.position for s in steps)
    which = (
        f"step {positions[0]}" if len(positions) == 1 else f"steps {positions[0]}–{positions[-1]}"
    )
    subject = _SUBJECT_WORDS.get(round_.subject_kind, "Something")
    title = f"{subject} awaits your approval: {requisition_title}"
    body = (
        f"{which.capitalize()} of {round_.step_count} ({names}) is due for your decision. "
        "Open My approvals to approve or decline."
    )
    return title, body


def notify_due_steps(round_, steps) -> None:
    """Notify the pending approvers of `steps` (read here: a round just requested)."""
    if not steps:
        return
    approver_ids = ApprovalAssignment.objects.filter(
        step__in=steps, decision=Decision.PENDING
    ).values_list("approver_id", flat=True)
    title, body = _words(round_, steps, round_.requisition.title)
    notification_send_to_users(
        tenant_id=round_.tenant_id,
        user_ids=list(approver_ids),
        kind=NOTIFICATION_KIND,
        title=title,
        body=body,
        application=round_.application,
        link=MY_APPROVALS_PATH,
    )


def due_step_notifications(round_, steps, *, requisition_title: str) -> list:
    """The unsaved notifications of `steps` becoming due, for a decision that writes them in
    its own statement: each step's assignments (with their approvers) are already loaded."""
    if not steps:
        return []
    approvers = {}
    for step in steps:
        for assignment in step.assignments.all():
            if assignment.decision == Decision.PENDING:
                approvers.setdefault(assignment.approver_id, assignment.approver)
    users = list(approvers.values())
    title, body = _words(round_, steps, requisition_title)
    return notification_rows_for_users(
        tenant_id=round_.tenant_id,
        users=users,
        kind=NOTIFICATION_KIND,
        title=title,
        body=body,
        application=round_.application_id,
        link=MY_APPROVALS_PATH,
    )
