"""Telling approvers a step of theirs is due: in-app and by email, linking to "My approvals"
(a page behind sign-in), with no offer terms in either."""

from __future__ import annotations

from approvals.models import ApprovalAssignment, Decision, SubjectKind
from notifications.services import notification_send_to_users

MY_APPROVALS_PATH = "/approvals/"
NOTIFICATION_KIND = "approval.due"
_SUBJECT_WORDS = {
    SubjectKind.OFFER: "An offer",
    SubjectKind.REQUISITION: "A requisition opening",
    SubjectKind.MILESTONE: "A milestone",
}


def notify_due_steps(round_, steps) -> None:
    if not steps:
        return
    approver_ids = ApprovalAssignment.objects.filter(
        step__in=steps, decision=Decision.PENDING
    ).values_list("approver_id", flat=True)
    names = ", ".join(s.name for s in steps)
    positions = sorted(s.position for s in steps)
    which = (
        f"step {positions[0]}" if len(positions) == 1 else f"steps {positions[0]}–{positions[-1]}"
    )
    subject = _SUBJECT_WORDS.get(round_.subject_kind, "Something")
    title = f"{subject} awaits your approval: {round_.requisition.title}"
    body = (
        f"{which.capitalize()} of {round_.step_count} ({names}) is due for your decision. "
        "Open My approvals to approve or decline."
    )
    notification_send_to_users(
        tenant_id=round_.tenant_id,
        user_ids=list(approver_ids),
        kind=NOTIFICATION_KIND,
        title=title,
        body=body,
        application=round_.application,
        link=MY_APPROVALS_PATH,
    )
