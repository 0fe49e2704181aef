"""My approvals: what a hiring manager or HRBP has to decide now, what comes to them after an
earlier step, and what they decided; approve or decline (with a reason) from the list or
from the offer page."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from approvals.models import ApprovalAssignment, SubjectKind
from approvals.selectors import (
    PENDING_SHOWN,
    PENDING_SHOWN_MAX,
    delegations_to_today,
    my_approvals,
)
from approvals.web.access import ApprovalsPageMixin
from approvals.web.page_selectors import milestone_names_of_rounds
from approvals.web.wording import due_words, money_words
from tenants.people import person_name
from tenants.permissions import Capability


@dataclass(frozen=True)
class Item:
    """One assignment as the list shows it."""

    assignment: ApprovalAssignment
    candidate: str
    requisition: str
    offer_title: str
    salary: str
    step: str  # "Step 2 of 3: HRBP"
    due: str  # "due in 2 days"
    url: str  # the offer page, or the round's page for another subject
    kind: str  # "" for an offer; "Opening of the requisition", "Clearance of Background check"
    on_behalf_of: str  # "" for the person's own; the approver's name for a delegated one

    @property
    def what(self) -> list[tuple[str, bool]]:
        """The line under the heading as (text, is the salary) parts: the offer's title, its
        salary and the requisition, each once (an offer titled as its requisition, the usual
        case, reads "Senior Engineer · $120,000", not the title twice; a requisition's
        opening, headed by the requisition, does not repeat it)."""
        parts = [(self.kind, False), (self.offer_title, False), (self.salary, True)]
        if _same_words(self.requisition, self.offer_title) or not self.candidate:
            return [p for p in parts if p[0]]
        return [p for p in (*parts, (self.requisition, False)) if p[0]]

    @property
    def round_id(self):
        return self.assignment.round_id

    @property
    def prefix(self) -> str:  # unique ids for the item's form fields
        return f"decide-{self.assignment.pk}"


_KIND_WORDS = {
    SubjectKind.REQUISITION: "Opening of the requisition",
    SubjectKind.MILESTONE: "Milestone clearance",
}


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _kind(round_, milestone_names: dict) -> str:
    if round_.subject_kind == SubjectKind.MILESTONE and round_.pk in milestone_names:
        return f"Clearance of {milestone_names[round_.pk]}"
    return _KIND_WORDS.get(round_.subject_kind, "")


def _item(assignment: ApprovalAssignment, now, user_id, milestone_names: dict) -> Item:
    round_ = assignment.round
    step = assignment.step
    offer = round_.offer
    application = round_.application
    return Item(
        assignment=assignment,
        candidate=application.candidate.full_name if application else "",
        requisition=round_.requisition.title,
        offer_title=offer.title if offer else "",
        salary=money_words(offer.salary_amount, offer.salary_currency) if offer else "",
        step=f"Step {step.position} of {round_.step_count}: {step.name}",
        due=due_words(step.due_at, now),
        url=reverse("approvals:offer", args=[application.pk])
        if round_.subject_kind == SubjectKind.OFFER and application
        else reverse("approvals:round", args=[round_.pk]),
        kind=_kind(round_, milestone_names),
        on_behalf_of=(
            person_name(assignment.approver) if assignment.approver_id != user_id else ""
        ),
    )


class MyApprovalsView(ApprovalsPageMixin, View):
    read_capability = Capability.APPROVE
    write_capability = Capability.APPROVE

    def get(self, request):
        return render_my_approvals(self, request)


def _shown(request) -> int:
    """How many of each list to show: `?show=` up to the most, else the default (a wrong
    value is not an error on a page: the default is shown)."""
    try:
        wanted = int(request.GET.get("show", PENDING_SHOWN))
    except ValueError:
        return PENDING_SHOWN
    return min(max(wanted, 1), PENDING_SHOWN_MAX)


def render_my_approvals(view, request, *, failed=None, status=200):
    """The page; `failed` is a decision that did not go through (its round, what was typed,
    the message and the fields to mark)."""
    user_id = request.user.pk
    # Today's delegations to them, as a subquery of the same query.
    mine = my_approvals(
        user_id=user_id, limit=_shown(request), on_behalf_of=delegations_to_today(user_id)
    )
    now = timezone.now()
    # A clearance names its milestone: one more query, only when one is listed.
    names = milestone_names_of_rounds(a.round for a in (*mine.due, *mine.waiting, *mine.decided))
    return render(
        request,
        "approvals/my_approvals.html",
        view.page_context(
            due=[_item(a, now, user_id, names) for a in mine.due],
            waiting=[_item(a, now, user_id, names) for a in mine.waiting],
            decided=[_item(a, now, user_id, names) for a in mine.decided],
            due_count=mine.due_count,
            waiting_count=mine.waiting_count,
            show_more=PENDING_SHOWN_MAX,
            failed=failed or {},
        ),
        status=status,
    )
