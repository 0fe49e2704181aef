"""What every approvals page shares: finding its object in the tenant and the person's
departments (another tenant's or department's id is an audited 404), and who sees a salary."""

from __future__ import annotations

from django.http import Http404

from approvals import selectors
from approvals.models import ApprovalAssignment, ApprovalPolicy, ApprovalRound
from milestones.web import requisition_selectors
from recruiting.models import Application
from tenants.access import access_denied_on_page
from tenants.models import Role
from tenants.selectors import in_department_scope
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
            tenant=self.request.tenant, application_id=pk
        )
        if application is None or not in_department_scope(
            self.request.membership, application.requisition.department_id
        ):
            access_denied_on_page(self.request, model=Application, object_id=pk)
            raise Http404("No such application.")
        return application

    def round_or_404(self, pk) -> ApprovalRound:
        round_ = selectors.approval_round_get(round_id=pk)
        if round_ is None or not in_department_scope(
            self.request.membership, round_.requisition.department_id
        ):
            access_denied_on_page(self.request, model=ApprovalRound, object_id=pk)
            raise Http404("No such approval.")
        return round_

    def policy_or_404(self, pk) -> ApprovalPolicy:
        policy = selectors.approval_policy_list().filter(pk=pk).first()
        if policy is None:
            access_denied_on_page(self.request, model=ApprovalPolicy, object_id=pk)
            raise Http404("No such approval policy.")
        return policy
