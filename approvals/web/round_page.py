"""The page of one approval round of any subject: what is being approved (a requisition's
opening, a milestone's clearance; an offer's round goes to the offer page), its steps with
who approves and who decided (on behalf of whom) with their comments, the decision form for
a person with a due place, an admin's overrides, and the history of the subject's rounds."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from approvals.models import ApprovalRound, SubjectKind
from approvals.web import page_selectors
from approvals.web.access import ApprovalsPageMixin, sees_application
from approvals.web.offer import override_context
from approvals.web.wording import money_words
from recruiting.models import Application, Requisition
from recruiting.selectors import applications_visible, requisitions_visible
from tenants.access import access_denied_on_page
from tenants.people import person_name
from tenants.permissions import Capability

_KIND_WORDS = {
    SubjectKind.REQUISITION: "Approval of a requisition's opening",
    SubjectKind.MILESTONE: "Milestone clearance",
    SubjectKind.OFFER: "Offer approval",
}


@dataclass(frozen=True)
class Subject:
    """What a round approves, as the page says it."""

    kind: str  # "Approval of a requisition's opening"
    title: str  # "Opening of Senior Engineer"
    facts: list[tuple[str, str]]  # (label, value)


def band_words(requisition) -> str:
    """ "$100,000 – $150,000", "from $90,000", "—" without a band."""
    low, high = requisition.salary_band_min, requisition.salary_band_max
    currency = requisition.salary_band_currency
    if low is not None and high is not None:
        return f"{money_words(low, currency)} – {money_words(high, currency)}"
    if low is not None:
        return f"from {money_words(low, currency)}"
    if high is not None:
        return f"up to {money_words(high, currency)}"
    return "—"


def round_subject(round_: ApprovalRound) -> Subject:
    requisition = round_.requisition
    candidate = round_.application.candidate.full_name if round_.application else ""
    if round_.subject_kind == SubjectKind.REQUISITION:
        return Subject(
            kind=_KIND_WORDS[SubjectKind.REQUISITION],
            title=f"Opening of {requisition.title}",
            facts=[
                ("Title", requisition.title),
                ("Department", requisition.department.name),
                ("Openings", str(requisition.openings)),
                ("Pay band", band_words(requisition)),
            ],
        )
    if round_.subject_kind == SubjectKind.MILESTONE:
        milestone = page_selectors.milestone_of_round(round_)
        name = milestone.name if milestone else round_.milestone_code
        return Subject(
            kind=_KIND_WORDS[SubjectKind.MILESTONE],
            title=f"{name} for {candidate}",
            facts=[
                ("Candidate", candidate),
                ("Requisition", requisition.title),
                ("Milestone", name),
            ],
        )
    return Subject(
        kind=_KIND_WORDS[SubjectKind.OFFER],
        title=f"Offer for {candidate}",
        facts=[("Candidate", candidate), ("Requisition", requisition.title)],
    )


def render_round_page(
    view,
    request,
    round_: ApprovalRound,
    *,
    decide_failed=None,
    override_failed=None,
    confirm_failed=None,
    status=200,
):
    rounds = page_selectors.rounds_of_subject(round_.subject_key)
    current = next((r for r in rounds if r.pk == round_.pk), round_)
    open_round = current if current.is_open else None
    capabilities = view.capabilities
    my_due = (
        page_selectors.due_assignment_of(open_round, request.user.pk)
        if open_round is not None and Capability.APPROVE in capabilities
        else None
    )
    awaiting = page_selectors.overrides_awaiting(round_=current)
    membership = request.membership
    sees_requisition = requisitions_visible(
        Requisition.objects.filter(pk=round_.requisition_id), membership=membership
    ).exists()
    return render(
        request,
        "approvals/round.html",
        view.page_context(
            round=current,
            subject=round_subject(current),
            application=current.application,
            sees_requisition=sees_requisition,
            sees_application=bool(current.application)
            and sees_application(request, current.application),
            earlier=[r for r in rounds if r.pk != current.pk],
            open_round=open_round,
            my_due=my_due,
            my_due_on_behalf_of=person_name(my_due.approver)
            if my_due and my_due.approver_id != request.user.pk
            else "",
            decide_failed=decide_failed or {},
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


class RoundPageView(ApprovalsPageMixin, View):
    """GET: the round's page, for its requisition's team and the people named in a round of
    its subject; an offer's round is shown on the offer page."""

    def get(self, request, pk):
        round_ = self.round_or_404(pk)
        if round_.subject_kind == SubjectKind.OFFER and round_.application_id:
            return HttpResponseRedirect(reverse("approvals:offer", args=[round_.application_id]))
        return render_round_page(self, request, round_)


class _LatestRoundView(ApprovalsPageMixin, View):
    """A link from a page of the subject (the requisition, the application): its latest
    round's page, or back to that page saying none was requested (an audited 404 when the
    person may not see the subject)."""

    model: type = Requisition
    none_yet = ""

    def get(self, request, pk):
        latest = self.rounds(request, pk).order_by("-requested_at", "-number").first()
        if latest is not None:
            return HttpResponseRedirect(
                reverse("approvals:round", args=[self.round_or_404(latest.pk).pk])
            )
        if not self.visible(request, pk):
            access_denied_on_page(request, model=self.model, object_id=pk)
            raise Http404("No such page.")
        messages.info(request, self.none_yet)
        return HttpResponseRedirect(self.back_url(pk))


class RequisitionOpeningView(_LatestRoundView):
    """The requisition page's link to the approval of its opening."""

    none_yet = "Approval of this requisition's opening has not been requested."

    def rounds(self, request, pk):
        return ApprovalRound.objects.filter(requisition_id=pk, subject_kind=SubjectKind.REQUISITION)

    def visible(self, request, pk) -> bool:
        return requisitions_visible(
            Requisition.objects.filter(pk=pk), membership=request.membership
        ).exists()

    def back_url(self, pk) -> str:
        return reverse("recruiting:requisition-detail", args=[pk])


class MilestoneClearanceView(_LatestRoundView):
    """The application page's link beside a stage-gated milestone (`?code=`): the approval
    of its clearance."""

    model = Application
    none_yet = "Approval of this milestone has not been requested."

    def rounds(self, request, pk):
        rounds = ApprovalRound.objects.filter(application_id=pk, subject_kind=SubjectKind.MILESTONE)
        code = request.GET.get("code", "").strip()
        return rounds.filter(milestone_code=code) if code else rounds

    def visible(self, request, pk) -> bool:
        return applications_visible(
            Application.objects.filter(pk=pk), membership=request.membership
        ).exists()

    def back_url(self, pk) -> str:
        return reverse("recruiting:application-detail", args=[pk])
