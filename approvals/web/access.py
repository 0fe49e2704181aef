"""What every approvals page shares: finding its object among those the person may see
(another tenant's, another department's or a confidential requisition's id is an audited
404, as on the application page; the offer page also opens to the approvers of the offer's
rounds, `selectors.OFFER_PAGE_GRANT`, and a round's page and its decisions to the people
named in the rounds of its subject, `selectors.ROUND_PAGE_GRANT`), and who sees a salary."""

from __future__ import annotations

from django.http import Http404

from approvals import selectors
from approvals.errors import ApprovalError
from approvals.models import ApprovalOverride, ApprovalPolicy, ApprovalRound, SubjectKind
from approvals.web import page_selectors
from milestones import sensitivity
from milestones.web import requisition_selectors
from recruiting.models import Application
from recruiting.selectors import applications_visible, visible_to
from tenants.access import access_denied_on_page
from tenants.models import Role
from tenants.views import TenantPageMixin

#: Roles that see every offer's salary; anyone else only as an approver of one of its rounds.
SALARY_ROLES = frozenset({Role.ADMIN, Role.RECRUITER, Role.HRBP})


def may_see_salary(request, offer) -> bool:
    """SALARY_ROLES, and the approvers of any round of the offer (or their delegates)."""
    if getattr(request.membership, "role", None) in SALARY_ROLES:
        return True
    return (
        offer is not None
        and Application.objects.filter(pk=offer.application_id)
        .filter(selectors.approver_condition(request.user.pk, statuses=None))
        .exists()
    )


def sees_application(request, application) -> bool:
    """Whether the person sees the application itself (its page, its requisition), not only
    its offer page through the approvers' grant."""
    return applications_visible(
        Application.objects.filter(pk=application.pk), membership=request.membership
    ).exists()


def named_in_round(membership, round_) -> bool:
    """Whether the person is named in a round of the round's subject (the round page's
    grant): an approver, today's delegate of one, or who decided for one."""
    return (
        ApprovalRound.objects.filter(pk=round_.pk)
        .filter(selectors.round_page_grant(membership, ""))
        .exists()
    )


def refusal_shown(refusal: ApprovalError, **posted) -> dict:
    """A service's refusal as a page shows it: what was typed (`posted`), the message, the
    fields to mark, and the status to answer with."""
    return {
        **posted,
        "message": refusal.message,
        "fields": refusal.fields or {},
        "status": refusal.status,
    }


class ApprovalsPageMixin(TenantPageMixin):
    def application_or_404(self, pk, *, offer_page: bool = False) -> Application:
        """The application, or an audited 404; `offer_page`: reading its offer page (or
        deciding there), which its approvers may do outside the requisition's team."""
        application = requisition_selectors.application_get_for_page(
            tenant=self.request.tenant,
            membership=self.request.membership,
            application_id=pk,
            grant=selectors.OFFER_PAGE_GRANT if offer_page else None,
        )
        if application is None:
            access_denied_on_page(self.request, model=Application, object_id=pk)
            raise Http404("No such application.")
        return application

    def round_or_404(self, pk) -> ApprovalRound:
        """The round, or an audited 404: its requisition's team sees it, and so do the
        people named in a round of its subject (`selectors.ROUND_PAGE_GRANT`), who may open
        its page and decide even outside the team. A clearance of a sensitive milestone is
        a 404 to anyone else who may not see sensitive milestones."""
        round_ = selectors.approval_round_get(round_id=pk)
        membership = self.request.membership
        visible = round_ is not None and (
            visible_to(
                ApprovalRound.objects.filter(pk=round_.pk),
                membership=membership,
                via="requisition__",
                grant=selectors.ROUND_PAGE_GRANT,
            ).exists()
        )
        if visible and round_.subject_kind == SubjectKind.MILESTONE:
            visible = (
                sensitivity.may_see_sensitive(membership)
                or not getattr(page_selectors.milestone_of_round(round_), "is_sensitive", False)
                or named_in_round(membership, round_)
            )
        if not visible:
            access_denied_on_page(self.request, model=ApprovalRound, object_id=pk)
            raise Http404("No such approval.")
        return round_

    def policy_or_404(self, pk) -> ApprovalPolicy:
        policy = selectors.approval_policy_list().filter(pk=pk).first()
        if policy is None:
            access_denied_on_page(self.request, model=ApprovalPolicy, object_id=pk)
            raise Http404("No such approval policy.")
        return policy

    def override_or_404(self, pk) -> ApprovalOverride:
        override = (
            visible_to(
                ApprovalOverride.objects.all(),
                membership=self.request.membership,
                via="round__requisition__",
            )
            .select_related("round__application", "step")
            .filter(pk=pk)
            .first()
        )
        if override is None:
            access_denied_on_page(self.request, model=ApprovalOverride, object_id=pk)
            raise Http404("No such override.")
        return override
