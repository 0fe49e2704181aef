"""The offer approval's state on the board and the application page (milestones' badge
registry; registered in approvals.apps.ready)."""

from __future__ import annotations

from django.urls import reverse

from approvals import selectors
from approvals.models import RoundStatus
from milestones.web.badges import ApplicationBadge

_TONES = {
    RoundStatus.REQUESTED: "warning",
    RoundStatus.APPROVED: "success",
    RoundStatus.DECLINED: "danger",
}


def offer_badges(application_ids, *, detail: bool = False) -> dict[object, ApplicationBadge]:
    """One query for any number of applications; on an application's own page one more
    when its offer was never put up for approval, to say whether there is an offer at all."""
    badges = {
        application_id: ApplicationBadge(
            text=str(status),
            url=reverse("approvals:offer", args=[application_id]),
            link_text="Open the offer",
            tone=_TONES.get(status.status, ""),
            testid="approval-status",
        )
        for application_id, status in selectors.approval_status_for_applications(
            application_ids
        ).items()
    }
    if detail:
        for application_id in application_ids:
            if application_id in badges:
                continue
            offer = selectors.offer_for_application(application_id=application_id)
            badges[application_id] = ApplicationBadge(
                text="Offer drafted, approval not requested yet" if offer else "No offer yet",
                url=reverse("approvals:offer", args=[application_id]),
                link_text="Open the offer" if offer else "Offer page",
                testid="approval-status",
            )
    return badges
