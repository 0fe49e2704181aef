"""A decision from a page: approve or decline one due step of a round."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View

from approvals.errors import ApprovalError
from approvals.models import SubjectKind
from approvals.services import APPROVE, DECLINE, approval_decide
from approvals.web.access import ApprovalsPageMixin, refusal_shown
from approvals.web.mine import render_my_approvals
from approvals.web.offer import render_offer_page
from approvals.web.round_page import render_round_page
from tenants.permissions import Capability, PermissionRefused

#: The `next` a form on the offer page posts, so errors and success come back there.
FROM_OFFER_PAGE = "offer"
#: ... and on a round's page.
FROM_ROUND_PAGE = "round"


def decided_message(decision: str, round_) -> str:
    name = round_.application.candidate.full_name if round_.application else ""
    if round_.subject_kind == SubjectKind.REQUISITION:
        what = f"the opening of {round_.requisition.title}"
    elif round_.subject_kind == SubjectKind.MILESTONE:
        what = f"the milestone clearance for {name}"
    else:
        what = f"the offer for {name}" if name else "the request"
    verb = "approved" if decision == APPROVE else "declined"
    return f"You {verb} {what}."


class DecideView(ApprovalsPageMixin, View):
    """Approve or decline one due step of a round; errors come back inline on the page the
    form was on (My approvals, the offer page, or the round's page)."""

    write_capability = Capability.APPROVE

    def post(self, request, pk):
        round_ = self.round_or_404(pk)
        decision = request.POST.get("decision", "")
        posted = {
            "round_id": round_.pk,
            "comment": request.POST.get("comment", ""),
            "reason": request.POST.get("reason", ""),
        }
        back = request.POST.get("next")
        from_offer = back == FROM_OFFER_PAGE and round_.application_id
        from_round = back == FROM_ROUND_PAGE
        try:
            approval_decide(
                round=round_,
                actor=self.actor,
                decision=decision if decision in (APPROVE, DECLINE) else "",
                comment=posted["comment"].strip(),
                reason=posted["reason"].strip(),
            )
        except ApprovalError as refusal:
            if refusal.status == 403:
                raise PermissionRefused(refusal.message, fields=refusal.fields) from refusal
            failed = refusal_shown(refusal, **posted)
            if from_offer:
                return render_offer_page(
                    self,
                    request,
                    self.application_or_404(round_.application_id, offer_page=True),
                    decide_failed=failed,
                    status=refusal.status,
                )
            if from_round:
                return render_round_page(
                    self, request, round_, decide_failed=failed, status=refusal.status
                )
            return render_my_approvals(self, request, failed=failed, status=refusal.status)
        messages.success(request, decided_message(decision, round_))
        if from_offer:
            url = reverse("approvals:offer", args=[round_.application_id])
        elif from_round:
            url = reverse("approvals:round", args=[round_.pk])
        else:
            url = reverse("approvals:mine")
        return HttpResponseRedirect(url, status=303)
