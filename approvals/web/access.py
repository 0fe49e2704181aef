"""What every approvals page shares: finding its object among those the person may see
(another tenant's, another department's or a confidential requisition's id is an audited
404, as on the application page), and who sees a salary."""

from __future__ import annotations

from django.http import Http404

from approvals import selectors
from approvals.models import ApprovalAssignment, ApprovalPolicy, ApprovalRound
from milestones.web import requisition_selectors
from recruiting.models import Application
from recruiting.selectors import visible_to
from tenants.access import access_denied_on_page
from tenants.models import Role
from tenants.views import TenantPageMixin

#: Roles that see every offer's salary; anyone else only as an approver of one of its rounds.
SALARY_ROLES = frozenset({Role.ADMIN, Role.RECRUITER, Role.HRBP})


def may_see_salary(request, offer) -> bool:
    if getattr(request.membership, "role", None) in SALARY_ROLES:
        return True
    return (
        offer is not None
        and ApprovalAssignment.objects.filter(
            round__offer=offer, approver_id=request.user.pk
        ).exists()
    )


class ApprovalsPageMixin(TenantPageMixin):
    def application_or_404(self, pk) -> Application:
        application = requisition_selectors.application_get_for_page(
            tenant=self.request.tenant, membership=self.request.membership, application_id=pk
        )
        if application is None:
            access_denied_on_page(self.request, model=Application, object_id=pk)
            raise Http404("No such application.")
        return application

    def round_or_404(self, pk) -> ApprovalRound:
        round_ = selectors.approval_round_get(round_id=pk)
        visible = round_ is not None and (
            visible_to(
                ApprovalRound.objects.filter(pk=round_.pk),
                membership=self.request.membership,
                via="requisition__",
            ).exists()
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
