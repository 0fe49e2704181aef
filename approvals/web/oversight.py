"""Pages that keep approvals moving when people do not: a person's delegations (set one,
see the current and upcoming ones, revoke), an admin's overrides on the offer page (replace
an approver, decide on someone's behalf with a reason) and the second admin's confirmation
of an executive hire's override (on the offer page and on a list). Every write is a service
of `approvals.services` (which audits it); the pages parse, call, and show what went wrong
beside the field it names."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from approvals.errors import ApprovalError, ApprovalErrorCode
from approvals.models import ApprovalDelegation, ApprovalOverride, OverrideKind, OverrideStatus
from approvals.services import (
    APPROVE,
    DECLINE,
    approval_delegation_cancel,
    approval_delegation_create,
    approval_override_confirm,
    approval_override_decide,
    approval_override_reject,
    approval_override_replace,
)
from approvals.services.subjects import person_name
from approvals.web import page_selectors
from approvals.web.access import ApprovalsPageMixin, refusal_shown
from approvals.web.decide import FROM_OFFER_PAGE
from approvals.web.offer import inline_where_listed, render_offer_page
from milestones.core.wording import duration_words
from tenants.access import access_denied_on_page
from tenants.permissions import Capability, PermissionRefused


def _field_error(field: str, message: str, status: int = 400) -> dict:
    return {"message": message, "fields": {field: [message]}, "status": status}


def _user_id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


# --- Delegations -----------------------------------------------------------------------


def delegation_words(delegation: ApprovalDelegation, today: date) -> str:
    """ "Active until Dec 9" / "Starts in 3 days" / "Ended" / "Revoked"."""
    if delegation.cancelled_at is not None:
        return "Revoked"
    if delegation.ends_on < today:
        return "Ended"
    if delegation.starts_on > today:
        return f"Starts in {duration_words(delegation.starts_on - today, parts=1)}"
    if delegation.ends_on == today:
        return "Active, last day today"
    return f"Active, {duration_words(delegation.ends_on - today, parts=1)} left"


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


class DelegationsView(ApprovalsPageMixin, View):
    """GET: my delegations (admins: everyone's) and the form; POST: delegate."""

    read_capability = Capability.APPROVE
    write_capability = Capability.APPROVE

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        posted = {
            name: request.POST.get(name, "").strip()
            for name in ("delegator", "delegate", "starts_on", "ends_on", "note")
        }
        failed = self._parse_problem(posted)
        if failed is None:
            arranges = Capability.DECIDE_ON_BEHALF in self.capabilities and posted["delegator"]
            try:
                delegation = approval_delegation_create(
                    actor=self.actor,
                    delegator_id=_user_id(posted["delegator"]) if arranges else request.user.pk,
                    delegate_id=_user_id(posted["delegate"]),
                    starts_on=_date(posted["starts_on"]),
                    ends_on=_date(posted["ends_on"]),
                    note=posted["note"],
                )
            except ApprovalError as refusal:
                failed = refusal_shown(refusal)
            else:
                delegate = person_name(
                    page_selectors.people_who_may_approve(tenant_id=request.tenant.pk)
                    .filter(pk=delegation.delegate_id)
                    .first()
                )
                messages.success(
                    request,
                    f"{delegate} decides these approvals from "
                    f"{delegation.starts_on:%b %-d} to {delegation.ends_on:%b %-d, %Y}.",
                )
                return HttpResponseRedirect(reverse("approvals:delegations"), status=303)
        return self.render_page(request, posted=posted, failed=failed, status=failed["status"])

    def _parse_problem(self, posted) -> dict | None:
        if _user_id(posted["delegate"]) is None:
            return _field_error("delegate", "Choose the person who decides for you.")
        if (
            posted["delegator"]
            and Capability.DECIDE_ON_BEHALF in self.capabilities
            and _user_id(posted["delegator"]) is None
        ):
            return _field_error("delegator", "Choose whose approvals are delegated.")
        for name, label in (("starts_on", "first"), ("ends_on", "last")):
            if _date(posted[name]) is None:
                return _field_error(name, f"Give the {label} day as a date.")
        return None

    def render_page(self, request, *, posted=None, failed=None, status=200):
        everyone = Capability.DECIDE_ON_BEHALF in self.capabilities
        current, past = page_selectors.delegations_for_page(
            user_id=request.user.pk, everyone=everyone
        )
        today = timezone.localdate()
        people = list(page_selectors.people_who_may_approve(tenant_id=request.tenant.pk))
        return render(
            request,
            "approvals/delegations.html",
            self.page_context(
                current=[(d, delegation_words(d, today)) for d in current],
                past=[(d, delegation_words(d, today)) for d in past],
                everyone=everyone,
                people=people,
                delegates=[p for p in people if p.pk != request.user.pk],
                form=posted or {"starts_on": today.isoformat()},
                failed=failed or {},
                today=today,
            ),
            status=status,
        )


class DelegationCancelView(ApprovalsPageMixin, View):
    """Revoke a delegation (the delegator, or an admin): it ends now."""

    write_capability = Capability.APPROVE

    def post(self, request, pk):
        delegation = page_selectors.delegation_get(
            delegation_id=pk,
            user_id=request.user.pk,
            everyone=Capability.DECIDE_ON_BEHALF in self.capabilities,
        )
        if delegation is None:
            access_denied_on_page(request, model=ApprovalDelegation, object_id=pk)
            raise Http404("No such delegation.")
        approval_delegation_cancel(delegation=delegation, actor=self.actor)
        messages.success(request, "Delegation revoked: it no longer applies.")
        return HttpResponseRedirect(reverse("approvals:delegations"), status=303)


# --- Overrides on the offer page -------------------------------------------------------


class _OfferOverrideView(ApprovalsPageMixin, View):
    write_capability = Capability.DECIDE_ON_BEHALF
    form_name = ""

    def post(self, request, pk):
        application = self.application_or_404(pk)
        offer = page_selectors.offer_of_application(application_id=application.pk)
        open_round = page_selectors.open_round_of(offer) if offer else None
        posted = {name: request.POST.get(name, "").strip() for name in self.fields}
        posted["form"] = self.form_name
        if open_round is None:
            failed = {"message": "No approval round is open.", "fields": {}, "status": 409}
        else:
            places = {a.place_key: a for a in page_selectors.unresolved_assignments(open_round)}
            place = places.get(posted["approver"])
            if place is None:
                failed = _field_error("approver", "Choose an approver of a step still open.")
            else:
                try:
                    override = self.apply(open_round, place, posted)
                except ApprovalError as refusal:
                    failed = refusal_shown(refusal)
                else:
                    messages.success(request, override_message(override, place))
                    return HttpResponseRedirect(reverse("approvals:offer", args=[pk]), status=303)
        if "step" in failed["fields"]:  # the step is chosen with the approver
            failed["fields"].setdefault("approver", failed["fields"]["step"])
        failed = {**posted, **failed}
        return render_offer_page(
            self, request, application, override_failed=failed, status=failed["status"]
        )


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


class OfferReplaceApproverView(_OfferOverrideView):
    form_name = "replace"
    fields = ("approver", "replacement", "reason")

    def apply(self, open_round, place, posted):
        replacement = _user_id(posted["replacement"])
        if replacement is None:
            raise ApprovalError(
                ApprovalErrorCode.INVALID_OVERRIDE,
                "Choose who approves instead.",
                fields={"replacement": ["Choose who approves instead."]},
            )
        return approval_override_replace(
            round=open_round,
            actor=self.actor,
            step=place.step,
            approver_id=place.approver_id,
            replacement_id=replacement,
            reason=posted["reason"],
        )


class OfferDecideOnBehalfView(_OfferOverrideView):
    form_name = "behalf"
    fields = ("approver", "decision", "comment", "reason")

    def apply(self, open_round, place, posted):
        decision = posted["decision"]
        return approval_override_decide(
            round=open_round,
            actor=self.actor,
            step=place.step,
            approver_id=place.approver_id,
            decision=decision if decision in (APPROVE, DECLINE) else "",
            comment=posted["comment"],
            reason=posted["reason"],
        )


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
        from_offer = request.POST.get("next") == FROM_OFFER_PAGE and override.round.application_id
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
            return render_override_list(self, request, failed=failed, status=refusal.status)
        messages.success(request, self.done)
        if from_offer:
            url = reverse("approvals:offer", args=[override.round.application_id])
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
