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


def _badge(application_id, text: str, *, tone: str = "", link_text="Open the offer"):
    return ApplicationBadge(
        text=text,
        url=reverse("approvals:offer", args=[application_id]),
        link_text=link_text,
        tone=tone,
        testid="approval-status",
    )


def offer_badges(application_ids, *, detail: bool = False) -> dict[object, ApplicationBadge]:
    """One query for any number of applications (the board). On one application's own page
    the offer is looked up first, so that page says "No offer yet" in that one query."""
    if detail:
        [application_id] = application_ids
        if selectors.offer_for_application(application_id=application_id) is None:
            return {application_id: _badge(application_id, "No offer yet", link_text="Offer page")}
    statuses = selectors.approval_status_for_applications(application_ids)
    badges = {
        application_id: _badge(application_id, str(status), tone=_TONES.get(status.status, ""))
        for application_id, status in statuses.items()
    }
    if detail and not badges:
        [application_id] = application_ids
        badges[application_id] = _badge(application_id, "Offer drafted, approval not requested yet")
    return badges
