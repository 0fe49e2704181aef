"""A person's delegations: set one (an admin also for someone else), see the current and
upcoming ones, revoke. Every write is a service of `approvals.services` (which audits it);
the page parses with `DelegationForm` and shows what went wrong beside the field it names."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from approvals.errors import ApprovalError
from approvals.models import ApprovalDelegation
from approvals.services import approval_delegation_cancel, approval_delegation_create
from approvals.web import page_selectors
from approvals.web.access import ApprovalsPageMixin, refusal_shown
from approvals.web.forms import DelegationForm, form_refused
from milestones.core.wording import duration_words
from tenants.access import access_denied_on_page
from tenants.people import person_name
from tenants.permissions import Capability

_POSTED = ("delegator", "delegate", "starts_on", "ends_on", "note")


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


class DelegationsView(ApprovalsPageMixin, View):
    """GET: my delegations (admins: everyone's) and the form; POST: delegate."""

    read_capability = Capability.APPROVE
    write_capability = Capability.APPROVE

    def get(self, request):
        return self.render_page(request)

    def post(self, request):
        posted = {name: request.POST.get(name, "").strip() for name in _POSTED}
        arranges = Capability.DECIDE_ON_BEHALF in self.capabilities
        form = DelegationForm(request.POST, tenant_id=request.tenant.pk, arranges=arranges)
        if not form.is_valid():
            failed = form_refused(form)
        else:
            delegator = form.cleaned_data.get("delegator")
            try:
                delegation = approval_delegation_create(
                    actor=self.actor,
                    delegator_id=delegator.pk if delegator else request.user.pk,
                    delegate_id=form.cleaned_data["delegate"].pk,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    note=form.cleaned_data["note"].strip(),
                )
            except ApprovalError as refusal:
                failed = refusal_shown(refusal)
            else:
                messages.success(
                    request,
                    f"{person_name(form.cleaned_data['delegate'])} decides these approvals "
                    f"from {delegation.starts_on:%b %-d} to {delegation.ends_on:%b %-d, %Y}.",
                )
                return HttpResponseRedirect(reverse("approvals:delegations"), status=303)
        return self.render_page(request, posted=posted, failed=failed, status=failed["status"])

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
