"""The offer page of an application: its terms (create, edit: a material edit voids the open
round and starts a new one), which approval steps will apply and why before requesting,
request (naming the people of the policy's slots), withdraw, decide, and every round's
history with its decisions and comments."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from approvals.errors import ApprovalError
from approvals.models import MATERIAL_FIELDS, EmploymentType, Offer, RoundStatus, StepStatus
from approvals.services import (
    approval_preview,
    approval_request,
    approval_withdraw,
    offer_create,
    offer_update,
    subject_of_offer,
)
from approvals.web import page_selectors
from approvals.web.access import (
    ApprovalsPageMixin,
    may_see_salary,
    refusal_shown,
    sees_application,
)
from approvals.web.wording import money_words
from tenants.permissions import Capability

#: The terms the form edits (custom fields are kept as they are).
FORM_TERMS = MATERIAL_FIELDS
_LABELS = {
    "title": "title",
    "salary_amount": "salary",
    "salary_currency": "currency",
    "bonus_amount": "bonus",
    "equity": "equity",
    "start_date": "start date",
    "employment_type": "employment type",
}


def _posted_terms(post) -> dict:
    return {name: post.get(name, "").strip() for name in FORM_TERMS}


def _form_values(offer: Offer | None) -> dict:
    if offer is None:
        return {"salary_currency": "USD", "employment_type": EmploymentType.FULL_TIME}
    values = {name: getattr(offer, name) for name in FORM_TERMS}
    values["start_date"] = offer.start_date.isoformat() if offer.start_date else ""
    for name in ("salary_amount", "bonus_amount"):
        values[name] = "" if values[name] is None else f"{values[name]:f}"
    return values


def inline_where_listed(failed: dict | None, awaiting) -> dict:
    """A confirmation that did not go through is told beside its override when it is still
    listed, else at the top of the page (`failed.inline`)."""
    failed = dict(failed or {})
    if failed:
        failed["inline"] = failed.get("override_id") in {o.pk for o in awaiting}
    return failed


def override_context(
    request, *, capabilities, open_round, awaiting, override_failed, confirm_failed
) -> dict:
    """What a round's page and an offer's page show of the admin's overrides: the open
    round's unresolved places (for a user who may decide on someone's behalf) with the
    people who may approve, the overrides awaiting a second admin, and what failed."""
    places = []
    if open_round is not None and Capability.DECIDE_ON_BEHALF in capabilities:
        places = page_selectors.unresolved_assignments(open_round)
    return {
        "places": places,
        "due_places": [p for p in places if p.step.status == StepStatus.DUE],
        "approvers": list(page_selectors.people_who_may_approve(tenant_id=request.tenant.pk))
        if places
        else [],
        "override_failed": override_failed or {},
        "awaiting": awaiting,
        "confirm_failed": inline_where_listed(confirm_failed, awaiting),
    }


def render_offer_page(
    view,
    request,
    application,
    *,
    form=None,
    form_failed=None,
    request_failed=None,
    decide_failed=None,
    withdraw_failed=None,
    override_failed=None,
    confirm_failed=None,
    status=200,
):
    offer = page_selectors.offer_of_application(application_id=application.pk)
    rounds = page_selectors.offer_rounds(offer) if offer else []
    open_round = next((r for r in rounds if r.status == RoundStatus.REQUESTED), None)
    capabilities = view.capabilities
    preview = None
    if offer is not None and open_round is None and Capability.REQUEST_APPROVAL in capabilities:
        preview = approval_preview(subject=subject_of_offer(offer))
    slot_labels = preview.open_slots if preview else []
    request_failed = request_failed or {}
    chosen, slot_errors = request_failed.get("slots") or {}, request_failed.get("fields") or {}
    slot_fields = [
        {
            "label": label,
            "chosen": str(chosen.get(label, "")),
            "errors": slot_errors.get(f"slots.{label}") or [],
        }
        for label in slot_labels
    ]
    my_due = (
        page_selectors.due_assignment_of(open_round, request.user.pk)
        if open_round is not None and Capability.APPROVE in capabilities
        else None
    )
    shows_salary = may_see_salary(request, offer)
    awaiting = page_selectors.overrides_awaiting(offer=offer) if offer else []
    return render(
        request,
        "approvals/offer.html",
        view.page_context(
            application=application,
            offer=offer,
            shows_salary=shows_salary,
            salary=money_words(offer.salary_amount, offer.salary_currency) if offer else "",
            bonus=money_words(offer.bonus_amount, offer.salary_currency) if offer else "",
            form=form if form is not None else _form_values(offer),
            form_failed=form_failed or {},
            employment_types=EmploymentType.choices,
            material_words=", ".join(_LABELS[n] for n in MATERIAL_FIELDS),
            rounds=rounds,
            open_round=open_round,
            approved_round=rounds[0] if rounds and rounds[0].status == "approved" else None,
            preview=preview,
            slot_fields=slot_fields,
            # A slot names someone who may approve (the request refuses anyone else).
            people=list(page_selectors.people_who_may_approve(tenant_id=request.tenant.pk))
            if slot_labels
            else [],
            request_failed=request_failed,
            my_due=my_due,
            decide_failed=decide_failed or {},
            withdraw_failed=withdraw_failed or {},
            sees_application=sees_application(request, application),
            **override_context(
                request,
                capabilities=capabilities,
                open_round=open_round,
                awaiting=awaiting,
                override_failed=override_failed,
                confirm_failed=confirm_failed,
            ),
        ),
        status=status,
    )


def _saved_message(updated) -> str:
    if not updated.material:
        return "Offer saved; nothing that needs approval changed."
    text = f"Offer saved as version {updated.offer.version_number}."
    if updated.voided is not None:
        text += f" Approval round {updated.voided.number} was voided"
        if updated.restarted is not None:
            text += f" and round {updated.restarted.number} started in its place."
        else:
            text += "; no policy applies to the new terms, so request approval again."
    return text


class OfferPageView(ApprovalsPageMixin, View):
    """GET: everyone who may view the application (the salary only for SALARY_ROLES and the
    round's approvers); POST creates or edits the offer (request approval)."""

    write_capability = Capability.REQUEST_APPROVAL

    def get(self, request, pk):
        # Its approvers (and their delegates) open it even outside the requisition's team.
        return render_offer_page(self, request, self.application_or_404(pk, offer_page=True))

    def post(self, request, pk):
        application = self.application_or_404(pk)
        offer = page_selectors.offer_of_application(application_id=application.pk)
        terms = _posted_terms(request.POST)
        try:
            if offer is None:
                offer_create(application=application, actor=self.actor, **terms)
                message = "Offer saved as version 1."
            else:
                version = request.POST.get("version", "")
                updated = offer_update(
                    offer=offer,
                    actor=self.actor,
                    changes=terms,
                    expected_version=int(version) if version.isdigit() else None,
                )
                message = _saved_message(updated)
        except ApprovalError as refusal:
            return render_offer_page(
                self,
                request,
                application,
                form=terms,
                form_failed=refusal_shown(refusal),
                status=refusal.status,
            )
        messages.success(request, message)
        return HttpResponseRedirect(reverse("approvals:offer", args=[pk]), status=303)


class OfferRequestView(ApprovalsPageMixin, View):
    write_capability = Capability.REQUEST_APPROVAL

    def post(self, request, pk):
        application = self.application_or_404(pk)
        offer = page_selectors.offer_of_application(application_id=application.pk)
        slots = {}
        for key, value in request.POST.items():
            if key.startswith("slot:") and value.strip():
                slots[key.removeprefix("slot:")] = int(value) if value.isdigit() else value
        if offer is None:
            return render_offer_page(
                self,
                request,
                application,
                request_failed={"message": "Save the offer before requesting approval."},
                status=409,
            )
        try:
            round_ = approval_request(
                subject=subject_of_offer(offer), actor=self.actor, slots=slots
            )
        except ApprovalError as refusal:
            return render_offer_page(
                self,
                request,
                application,
                request_failed=refusal_shown(refusal, slots=slots),
                status=refusal.status,
            )
        if round_.status == RoundStatus.APPROVED:
            messages.success(request, "No step of the policy applies: the offer is approved.")
        else:
            messages.success(request, f"Approval requested (round {round_.number}).")
        return HttpResponseRedirect(reverse("approvals:offer", args=[pk]), status=303)


class OfferWithdrawView(ApprovalsPageMixin, View):
    write_capability = Capability.REQUEST_APPROVAL

    def post(self, request, pk):
        application = self.application_or_404(pk)
        offer = page_selectors.offer_of_application(application_id=application.pk)
        open_round = page_selectors.open_round_of(offer) if offer else None
        reason = request.POST.get("reason", "").strip()
        if open_round is None:
            return render_offer_page(
                self,
                request,
                application,
                withdraw_failed={"message": "No approval round is open to withdraw."},
                status=409,
            )
        try:
            approval_withdraw(round=open_round, actor=self.actor, reason=reason)
        except ApprovalError as refusal:
            return render_offer_page(
                self,
                request,
                application,
                withdraw_failed=refusal_shown(refusal, reason=reason),
                status=refusal.status,
            )
        messages.success(request, f"Approval round {open_round.number} withdrawn.")
        return HttpResponseRedirect(reverse("approvals:offer", args=[pk]), status=303)
