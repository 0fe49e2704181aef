"""An admin's overrides, on the offer page and on a round's page: replace an approver of a
step still open, or decide on someone's behalf, each with a reason; and the second admin's
confirmation (or rejection) of an executive hire's override, there and on a list. Every
write is a service of `approvals.services` (which audits it); the pages parse with the forms
of `approvals.web.forms`, call, and show what went wrong beside the field it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import (
    ApprovalOverride,
    ApprovalRound,
    OverrideKind,
    OverrideStatus,
    StepStatus,
)
from approvals.services import (
    APPROVE,
    approval_override_confirm,
    approval_override_decide,
    approval_override_reject,
    approval_override_replace,
)
from approvals.web import page_selectors
from approvals.web.access import ApprovalsPageMixin, refusal_shown
from approvals.web.decide import FROM_OFFER_PAGE, FROM_ROUND_PAGE
from approvals.web.forms import DecideOnBehalfForm, ReplaceApproverForm, form_refused
from approvals.web.offer import inline_where_listed, render_offer_page
from approvals.web.round_page import render_round_page
from tenants.people import person_name
from tenants.permissions import Capability, PermissionRefused


def override_message(override: ApprovalOverride, place) -> str:
    who = person_name(place.approver)
    if override.kind == OverrideKind.REPLACE_APPROVER:
        what = f"Replacing {who} on “{place.step.name}”"
    else:
        verb = "Approving" if override.decision == APPROVE else "Declining"
        what = f"{verb} “{place.step.name}” on behalf of {who}"
    if override.status == OverrideStatus.AWAITING_CONFIRMATION:
        return f"{what} waits for a second admin to confirm (an executive hire)."
    return f"{what}: done."


@dataclass(frozen=True)
class _Target:
    """The page an override is posted from: its open round (None: none is open), how to show
    it again with a refusal, and where to go when done."""

    open_round: ApprovalRound | None
    render: Callable[[dict], object]
    done_url: str


class _OverrideView(ApprovalsPageMixin, View):
    write_capability = Capability.DECIDE_ON_BEHALF
    form_name = ""
    form_class: type = ReplaceApproverForm
    posted_names: tuple[str, ...] = ()
    due_only = False

    def target(self, request, pk) -> _Target:
        raise NotImplementedError

    def post(self, request, pk):
        target = self.target(request, pk)
        posted = {name: request.POST.get(name, "").strip() for name in self.posted_names}
        posted["form"] = self.form_name
        if target.open_round is None:
            failed = {"message": "No approval round is open.", "fields": {}, "status": 409}
        else:
            places = page_selectors.unresolved_assignments(target.open_round)
            if self.due_only:
                places = [p for p in places if p.step.status == StepStatus.DUE]
            form = self.form_class(request.POST, places=places, tenant_id=request.tenant.pk)
            if not form.is_valid():
                failed = form_refused(form)
            else:
                try:
                    override = self.apply(target.open_round, form)
                except ApprovalError as refusal:
                    failed = refusal_shown(refusal)
                else:
                    messages.success(request, override_message(override, form.place))
                    return HttpResponseRedirect(target.done_url, status=303)
        if "step" in failed["fields"]:  # the step is chosen with the approver
            failed["fields"].setdefault("approver", failed["fields"]["step"])
        return target.render({**posted, **failed})


class _OnOfferPage(_OverrideView):
    def target(self, request, pk) -> _Target:
        application = self.application_or_404(pk)
        offer = page_selectors.offer_of_application(application_id=application.pk)
        return _Target(
            open_round=page_selectors.open_round_of(offer) if offer else None,
            render=lambda failed: render_offer_page(
                self, request, application, override_failed=failed, status=failed["status"]
            ),
            done_url=reverse("approvals:offer", args=[pk]),
        )


class _OnRoundPage(_OverrideView):
    def target(self, request, pk) -> _Target:
        round_ = self.round_or_404(pk)
        return _Target(
            open_round=round_ if round_.is_open else None,
            render=lambda failed: render_round_page(
                self, request, round_, override_failed=failed, status=failed["status"]
            ),
            done_url=reverse("approvals:round", args=[pk]),
        )


class _Replace:
    form_name = "replace"
    form_class = ReplaceApproverForm
    posted_names = ("approver", "replacement", "reason")

    def apply(self, open_round, form):
        place = form.place
        return approval_override_replace(
            round=open_round,
            actor=self.actor,
            step=place.step,
            approver_id=place.approver_id,
            replacement_id=form.cleaned_data["replacement"].pk,
            reason=form.cleaned_data["reason"],
        )


class _DecideOnBehalf:
    form_name = "behalf"
    form_class = DecideOnBehalfForm
    posted_names = ("approver", "decision", "comment", "reason")
    due_only = True

    def apply(self, open_round, form):
        place = form.place
        return approval_override_decide(
            round=open_round,
            actor=self.actor,
            step=place.step,
            approver_id=place.approver_id,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"].strip(),
            reason=form.cleaned_data["reason"],
        )


class OfferReplaceApproverView(_Replace, _OnOfferPage):
    pass


class OfferDecideOnBehalfView(_DecideOnBehalf, _OnOfferPage):
    pass


class RoundReplaceApproverView(_Replace, _OnRoundPage):
    pass


class RoundDecideOnBehalfView(_DecideOnBehalf, _OnRoundPage):
    pass


# --- The second admin's confirmation ---------------------------------------------------


class OverrideListView(ApprovalsPageMixin, View):
    """Admins: the overrides awaiting a second admin, and the latest settled ones."""

    read_capability = Capability.DECIDE_ON_BEHALF
    write_capability = Capability.DECIDE_ON_BEHALF

    def get(self, request):
        return render_override_list(self, request)


def render_override_list(view, request, *, failed=None, status=200):
    membership = request.membership
    awaiting = page_selectors.overrides_awaiting(membership=membership)
    failed = inline_where_listed(failed, awaiting)
    return render(
        request,
        "approvals/override_list.html",
        view.page_context(
            awaiting=awaiting,
            settled=page_selectors.overrides_settled(membership=membership),
            failed=failed or {},
        ),
        status=status,
    )


class _OverrideSettleView(ApprovalsPageMixin, View):
    write_capability = Capability.DECIDE_ON_BEHALF

    def post(self, request, pk):
        override = self.override_or_404(pk)
        back = request.POST.get("next")
        from_offer = back == FROM_OFFER_PAGE and override.round.application_id
        from_round = back == FROM_ROUND_PAGE
        try:
            self.settle(override, request.POST.get("reason", ""))
        except ApprovalError as refusal:
            if refusal.code == ApprovalErrorCode.SECOND_ADMIN_REQUIRED:
                raise PermissionRefused(refusal.message, fields=refusal.fields) from refusal
            failed = {"override_id": override.pk, **refusal_shown(refusal)}
            if from_offer:
                application = self.application_or_404(override.round.application_id)
                return render_offer_page(
                    self, request, application, confirm_failed=failed, status=refusal.status
                )
            if from_round:
                return render_round_page(
                    self,
                    request,
                    self.round_or_404(override.round_id),
                    confirm_failed=failed,
                    status=refusal.status,
                )
            return render_override_list(self, request, failed=failed, status=refusal.status)
        messages.success(request, self.done)
        if from_offer:
            url = reverse("approvals:offer", args=[override.round.application_id])
        elif from_round:
            url = reverse("approvals:round", args=[override.round_id])
        else:
            url = reverse("approvals:overrides")
        return HttpResponseRedirect(url, status=303)


class OverrideConfirmView(_OverrideSettleView):
    done = "Override confirmed: it has taken effect."

    def settle(self, override, reason):
        approval_override_confirm(override=override, actor=self.actor)


class OverrideRejectView(_OverrideSettleView):
    done = "Override rejected: it will not take effect."

    def settle(self, override, reason):
        approval_override_reject(override=override, actor=self.actor, reason=reason)
