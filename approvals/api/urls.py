"""Approvals routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from approvals.api.offers import ApprovalPolicyViewSet, OfferViewSet
from approvals.api.oversight import (
    ApprovalDelegationViewSet,
    ApprovalOverrideViewSet,
    DecideOnBehalfView,
    ReplaceApproverView,
)
from approvals.api.rounds import ApprovalDecisionView, ApprovalRequestViewSet, PendingApprovalsView

router = SimpleRouter(trailing_slash=False)
router.register("offers", OfferViewSet, basename="offers")
router.register("approval_policies", ApprovalPolicyViewSet, basename="approval_policies")
router.register("approval_requests", ApprovalRequestViewSet, basename="approval_requests")
router.register("approval_delegations", ApprovalDelegationViewSet, basename="approval_delegations")
router.register("approval_overrides", ApprovalOverrideViewSet, basename="approval_overrides")

urlpatterns = [
    path("approvals/pending", PendingApprovalsView.as_view(), name="approvals-pending"),
    path(
        "approval_requests/<uuid:pk>/decisions",
        ApprovalDecisionView.as_view(),
        name="approval-request-decisions",
    ),
    path(
        "approval_requests/<uuid:pk>/replace_approver",
        ReplaceApproverView.as_view(),
        name="approval-request-replace-approver",
    ),
    path(
        "approval_requests/<uuid:pk>/decide_on_behalf",
        DecideOnBehalfView.as_view(),
        name="approval-request-decide-on-behalf",
    ),
    *router.urls,
]
